"""A blocking pandera asset check for every layer's table of every source."""

import dagster as dg
import pandas as pd
import pandera.errors
from psycopg import sql

from hubei_data.contracts import SOURCES, Source
from hubei_data.ingest.assets import files_key
from hubei_data.quality.schemas import LAYERS, schema
from hubei_data.resources import WarehouseResource

CHUNK_ROWS = 200_000
FAILURES_SHOWN = 20


def asset_key(source: str, layer: str) -> dg.AssetKey:
    return files_key(source) if layer == "landing" else dg.AssetKey([layer, source])


def validate_table(conn, source: Source, layer: str) -> tuple[int, pd.DataFrame]:
    """Validate a whole table chunk by chunk; return rows read and the failure cases."""
    frame_schema = schema(source, layer)
    columns = list(frame_schema.columns)
    query = sql.SQL("select {} from {} order by _batch_id, _row_number").format(
        sql.SQL(", ").join(map(sql.Identifier, columns)), sql.Identifier(layer, source.name)
    )
    rows, failures = 0, []
    with conn.cursor(name=f"check_{layer}_{source.name}") as cursor:
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


def _check(source: Source, layer: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=asset_key(source.name, layer),
        name=f"pandera_{layer}_{source.name}",
        blocking=True,
        description=f"pandera: {layer}.{source.name} obeys its contract-derived schema.",
    )
    def _asset_check(warehouse: WarehouseResource) -> dg.AssetCheckResult:
        with warehouse.connect() as conn:
            rows, failures = validate_table(conn, source, layer)
        shown = failures.head(FAILURES_SHOWN).astype(str).to_dict(orient="records") if len(failures) else []
        return dg.AssetCheckResult(
            passed=failures.empty,
            metadata={"rows_checked": rows, "failures": len(failures), "failure_cases": dg.MetadataValue.json(shown)},
        )

    return _asset_check


PANDERA_CHECKS = [_check(source, layer) for source in SOURCES.values() for layer in LAYERS]
