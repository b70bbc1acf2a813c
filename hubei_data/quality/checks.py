"""A blocking pandera asset check for every table of every layer, from one metadata source each."""

import dagster as dg
import pandas as pd
import pandera.errors
import pandera.pandas as pa
from psycopg import sql

from hubei_data.catalog.models import table_name
from hubei_data.contracts import SOURCES
from hubei_data.ingest.assets import files_key
from hubei_data.quality.catalog_schemas import CATALOG_MODELS, catalog_schema
from hubei_data.quality.schemas import LAYERS, schema
from hubei_data.resources import WarehouseResource

CHUNK_ROWS = 200_000
FAILURES_SHOWN = 20
LINEAGE_ORDER = ("_batch_id", "_row_number")


def asset_key(table: str, layer: str) -> dg.AssetKey:
    return files_key(table) if layer == "landing" else dg.AssetKey([layer, table])


def validate_table(
    conn, frame_schema: pa.DataFrameSchema, layer: str, table: str, order: tuple[str, ...]
) -> tuple[int, pd.DataFrame]:
    """Validate a whole table chunk by chunk; return rows read and the failure cases."""
    columns = list(frame_schema.columns)
    query = sql.SQL("select {} from {} order by {}").format(
        sql.SQL(", ").join(map(sql.Identifier, columns)),
        sql.Identifier(layer, table),
        sql.SQL(", ").join(map(sql.Identifier, order)),
    )
    rows, failures = 0, []
    with conn.cursor(name=f"check_{layer}_{table}") as cursor:
        cursor.execute(query)
        while chunk := cursor.fetchmany(CHUNK_ROWS):
            rows += len(chunk)
            frame = pd.DataFrame(chunk, columns=columns, dtype=object)
            try:
                frame_schema.validate(frame, lazy=True)
            except pandera.errors.SchemaErrors as errors:
                failures.append(errors.failure_cases)
    found = pd.concat(failures, ignore_index=True) if failures else pd.DataFrame()
    return rows, found


def _result(conn, frame_schema: pa.DataFrameSchema, layer: str, table: str, order: tuple[str, ...]) -> dg.AssetCheckResult:
    rows, failures = validate_table(conn, frame_schema, layer, table, order)
    shown = failures.head(FAILURES_SHOWN).astype(str).to_dict(orient="records") if len(failures) else []
    return dg.AssetCheckResult(
        asset_key=asset_key(table, layer),
        check_name=f"pandera_{layer}_{table}",
        passed=failures.empty,
        metadata={"rows_checked": rows, "failures": len(failures), "failure_cases": dg.MetadataValue.json(shown)},
    )


def _spec(frame_schema: pa.DataFrameSchema, layer: str, table: str) -> dg.AssetCheckSpec:
    return dg.AssetCheckSpec(
        name=f"pandera_{layer}_{table}",
        asset=asset_key(table, layer),
        blocking=True,
        description=f"pandera: {frame_schema.name} obeys its schema, derived from the declarations.",
    )


def _landing_check(frame_schema: pa.DataFrameSchema, table: str) -> dg.AssetChecksDefinition:
    """Its own step, so a failure stops the dbt build that reads the landing table."""

    @dg.multi_asset_check(specs=[_spec(frame_schema, "landing", table)], name=f"pandera_landing_{table}")
    def _check(warehouse: WarehouseResource):
        with warehouse.connect() as conn:
            yield _result(conn, frame_schema, "landing", table, LINEAGE_ORDER)

    return _check


def _warehouse_checks(entries: list[tuple[pa.DataFrameSchema, str, str, tuple[str, ...]]]) -> dg.AssetChecksDefinition:
    """Every table dbt builds, checked in one step: dbt builds them all in one step before."""
    by_key = {}
    for entry in entries:
        _, layer, table, _ = entry
        by_key[dg.AssetCheckKey(asset_key(table, layer), f"pandera_{layer}_{table}")] = entry

    @dg.multi_asset_check(
        specs=[_spec(frame_schema, layer, table) for frame_schema, layer, table, _ in entries],
        name="pandera_warehouse_checks",
        can_subset=True,
    )
    def _checks(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource):
        with warehouse.connect() as conn:
            for key in sorted(context.selected_asset_check_keys, key=str):
                yield _result(conn, *by_key[key])

    return _checks


PANDERA_CHECKS = [_landing_check(schema(source, "landing"), source.name) for source in SOURCES.values()] + [
    _warehouse_checks(
        [(schema(source, layer), layer, source.name, LINEAGE_ORDER)
         for source in SOURCES.values() for layer in LAYERS if layer != "landing"]
        + [(catalog_schema(model, layer), layer, table_name(model), model.key) for layer, model in CATALOG_MODELS]
    )
]
