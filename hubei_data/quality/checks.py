"""A blocking pandera asset check for every table of every layer, from one metadata source each.

Tables whose rows belong to one batch each and are unique within it (landing, raw, staging, quarantine of
a source) are verified one batch at a time: each passing check records the newest batch it verified and the
fingerprint of what it verified against (the schema, the dbt model and everything it is built from), and the
next check reads only later batches while that fingerprint holds. Batches of a source commit in the order of
their ids (landing.open_batch), so nothing new is ever behind the mark. A resource table merged batch by batch
is verified the same way: a row it replaces comes from a batch it took in later, so beyond the mark. Resource
tables rebuilt whole are verified whole.

Subject and share rows carry the sync id of the build that last wrote them (macros/sync.sql), so their check
reads only the rows of builds it has not verified against the same fingerprint (ops.verified_syncs).
"""

import functools
import hashlib
import json

import dagster as dg
import pandas as pd
import pandera.errors
import pandera.pandas as pa
from psycopg import sql
from psycopg.types.string import TextLoader

from hubei_data.catalog.models import table_name
from hubei_data.contracts import SOURCES
from hubei_data.ingest.assets import files_key
from hubei_data.quality.catalog_schemas import CATALOG_MODELS, catalog_schema
from hubei_data.quality.schemas import LAYERS, schema
from hubei_data.resources import WarehouseResource
from hubei_data.transform.assets import DBT_PROJECT

CHUNK_ROWS = 50_000
FAILURES_SHOWN = 20
LINEAGE_ORDER = ("_batch_id", "_row_number")
JSON_TYPES = ("json", "jsonb")
BY_BATCH = ("landing", "raw", "staging", "quarantine")
VERIFIED_THROUGH = "verified_through_batch"
FINGERPRINT = "verified_against"
BY_SYNC = ("subject", "share")
_NO_ISSUES: list = []
# The dbt model behind a table in each layer, by name prefix.
_MODEL_PREFIX = {"raw": "raw", "staging": "stg", "resource": "res", "quarantine": "qua", "subject": "sub",
                 "share": "shr"}


def asset_key(table: str, layer: str) -> dg.AssetKey:
    return files_key(table) if layer == "landing" else dg.AssetKey([layer, table])


def validate_table(
    conn, frame_schema: pa.DataFrameSchema, layer: str, table: str, order: tuple[str, ...],
    where: sql.Composable = sql.SQL(""),
) -> tuple[int, pd.DataFrame, int]:
    """Validate the table's rows (those `where` picks) chunk by chunk; return rows read, the failure cases and
    the newest batch read (0 when none)."""
    columns = list(frame_schema.columns)
    query = sql.SQL("select {} from {} {} order by {}").format(
        sql.SQL(", ").join(map(sql.Identifier, columns)),
        sql.Identifier(layer, table),
        where,
        sql.SQL(", ").join(map(sql.Identifier, order)),
    )
    rows, failures, newest = 0, [], 0
    with conn.cursor(name=f"check_{layer}_{table}") as cursor:
        for json_type in JSON_TYPES:
            cursor.adapters.register_loader(json_type, TextLoader)
        cursor.execute(query)
        json_oids = {conn.adapters.types[json_type].oid for json_type in JSON_TYPES}
        json_columns = [d.name for d in cursor.description if d.type_code in json_oids]
        while chunk := cursor.fetchmany(CHUNK_ROWS):
            rows += len(chunk)
            frame = pd.DataFrame(chunk, columns=columns, dtype=object)
            for column in json_columns:
                frame[column] = _decoded(frame[column])
            if "_batch_id" in frame:
                newest = max(newest, int(frame["_batch_id"].max()))
            try:
                frame_schema.validate(frame, lazy=True, inplace=True)
            except pandera.errors.SchemaErrors as errors:
                failures.append(errors.failure_cases)
    found = pd.concat(failures, ignore_index=True) if failures else pd.DataFrame()
    return rows, found, newest


def _decoded(texts: pd.Series) -> pd.Series:
    """JSON text as Python values. psycopg's own loader costs a Python call per value, as much as the rest of the
    row; here the empty list most rows' issues are costs none. It is one list, read and never changed: a new one
    a row set Python's cycle collector off every few hundred rows, to walk every object of the chunk again,
    a third of the check of staging."""
    return pd.Series([_NO_ISSUES if text == "[]" else None if text is None else json.loads(text) for text in texts],
                     index=texts.index, dtype=object)


def check_key(layer: str, table: str) -> dg.AssetCheckKey:
    return dg.AssetCheckKey(asset_key(table, layer), f"pandera_{layer}_{table}")


@functools.cache
def _dbt_nodes() -> dict:
    return json.loads(DBT_PROJECT.manifest_path.read_text(encoding="utf-8"))["nodes"]


def _built_from(node_id: str) -> list[str]:
    """The checksums of a dbt node and of everything it is built from."""
    node = _dbt_nodes().get(node_id)
    if node is None:
        return []
    parents = [checksum for parent in node.get("depends_on", {}).get("nodes", []) for checksum in _built_from(parent)]
    return [node["checksum"]["checksum"], *parents]


def fingerprint(frame_schema: pa.DataFrameSchema, layer: str, table: str) -> str:
    """What a verification held against: the schema, and the dbt model with all it is built from."""
    model = f"model.hubei_data.{_MODEL_PREFIX[layer]}_{table}" if layer in _MODEL_PREFIX else ""
    text = "\n".join([repr(frame_schema), *(_built_from(model) if model else [])])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def verified_through(instance: dg.DagsterInstance, key: dg.AssetCheckKey, against: str) -> int:
    """The newest batch the last passing check verified against the same fingerprint; 0 to verify all."""
    from dagster._core.storage.asset_check_execution_record import AssetCheckExecutionRecordStatus

    history = instance.event_log_storage.get_asset_check_execution_history(
        key, limit=1, status={AssetCheckExecutionRecordStatus.SUCCEEDED})
    if not history or history[0].event is None:
        return 0
    metadata = history[0].event.dagster_event.event_specific_data.metadata
    if getattr(metadata.get(FINGERPRINT), "value", None) != against:
        return 0
    return int(metadata[VERIFIED_THROUGH].value)


def verified_by_batch(layer: str, table: str) -> bool:
    """Whether the table's check reads only the batches after the last one it verified."""
    return layer in BY_BATCH or (layer == "resource" and not SOURCES[table].checks_other_sources)


def unverified_syncs(conn, layer: str, table: str, against: str) -> list[str]:
    """The sync ids of the table's rows whose build was not verified against this fingerprint."""
    return [sync_id for (sync_id,) in conn.execute(
        sql.SQL("select held._sync_id from (select distinct _sync_id from {}) as held where not exists ("
                "select 1 from ops.verified_syncs as v where v.table_name = %(table)s"
                " and v.sync_id = held._sync_id and v.verified_against = %(against)s)").format(
            sql.Identifier(layer, table)),
        {"table": f"{layer}.{table}", "against": against},
    )]


def _record_verified(conn, layer: str, table: str, syncs: list[str], against: str) -> None:
    conn.execute(
        "insert into ops.verified_syncs (table_name, sync_id, verified_against)"
        " select %(table)s, sync_id, %(against)s from unnest(%(syncs)s::text[]) as sync_id"
        " on conflict (table_name, sync_id) do update set verified_against = excluded.verified_against,"
        " verified_at = now()",
        {"table": f"{layer}.{table}", "syncs": syncs, "against": against},
    )
    conn.commit()


def _result(instance: dg.DagsterInstance, conn, frame_schema: pa.DataFrameSchema, layer: str, table: str,
            order: tuple[str, ...]) -> dg.AssetCheckResult:
    key = check_key(layer, table)
    by_batch = verified_by_batch(layer, table)
    against = fingerprint(frame_schema, layer, table) if by_batch or layer in BY_SYNC else ""
    after, syncs, where = 0, [], sql.SQL("")
    if by_batch:
        after = verified_through(instance, key, against)
        where = sql.SQL("where _batch_id > {}").format(sql.Literal(after)) if after else where
    elif layer in BY_SYNC:
        syncs = unverified_syncs(conn, layer, table, against)
        where = sql.SQL("where _sync_id = any({})").format(sql.Literal(syncs))
    rows, failures, newest = validate_table(conn, frame_schema, layer, table, order, where)
    shown = failures.head(FAILURES_SHOWN).astype(str).to_dict(orient="records") if len(failures) else []
    metadata = {"rows_checked": rows, "failures": len(failures), "failure_cases": dg.MetadataValue.json(shown)}
    if by_batch:
        metadata |= {"checked_after_batch": after, VERIFIED_THROUGH: max(after, newest), FINGERPRINT: against}
    elif layer in BY_SYNC:
        metadata |= {"builds_checked": len(syncs), FINGERPRINT: against}
        if failures.empty and syncs:
            _record_verified(conn, layer, table, syncs, against)
    return dg.AssetCheckResult(
        asset_key=key.asset_key,
        check_name=key.name,
        passed=failures.empty,
        metadata=metadata,
    )


def _spec(frame_schema: pa.DataFrameSchema, layer: str, table: str) -> dg.AssetCheckSpec:
    key = check_key(layer, table)
    return dg.AssetCheckSpec(
        name=key.name,
        asset=key.asset_key,
        blocking=True,
        description=f"pandera: {frame_schema.name} obeys its schema, derived from the declarations.",
    )


def _landing_check(frame_schema: pa.DataFrameSchema, table: str) -> dg.AssetChecksDefinition:
    """Its own step, so a failure stops the dbt build that reads the landing table."""

    @dg.multi_asset_check(specs=[_spec(frame_schema, "landing", table)], name=f"pandera_landing_{table}")
    def _check(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource):
        with warehouse.connect() as conn:
            yield _result(context.instance, conn, frame_schema, "landing", table, LINEAGE_ORDER)

    return _check


def _warehouse_checks(entries: list[tuple[pa.DataFrameSchema, str, str, tuple[str, ...]]]) -> dg.AssetChecksDefinition:
    """Every table dbt builds, checked in one step: dbt builds them all in one step before."""
    by_key = {}
    for entry in entries:
        _, layer, table, _ = entry
        by_key[check_key(layer, table)] = entry

    @dg.multi_asset_check(
        specs=[_spec(frame_schema, layer, table) for frame_schema, layer, table, _ in entries],
        name="pandera_warehouse_checks",
        can_subset=True,
    )
    def _checks(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource):
        with warehouse.connect() as conn:
            for key in sorted(context.selected_asset_check_keys, key=str):
                yield _result(context.instance, conn, *by_key[key])

    return _checks


PANDERA_CHECKS = [_landing_check(schema(source, "landing"), source.name) for source in SOURCES.values()] + [
    _warehouse_checks(
        [(schema(source, layer), layer, source.name, LINEAGE_ORDER)
         for source in SOURCES.values() for layer in LAYERS if layer != "landing"]
        + [(catalog_schema(model, layer), layer, table_name(model), model.key) for layer, model in CATALOG_MODELS]
    )
]
