"""A blocking pandera asset check for every table of every layer, from one metadata source each."""

import dagster as dg
import pandas as pd
import pandera.errors
import pandera.pandas as pa
from psycopg import sql

from hubei_data.contracts import SOURCES
from hubei_data.ingest.assets import files_key
from hubei_data.quality.catalog_schemas import CATALOG_MODELS, catalog_schema, table_name
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


def _check(frame_schema: pa.DataFrameSchema, layer: str, table: str, order: tuple[str, ...]) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=asset_key(table, layer),
        name=f"pandera_{layer}_{table}",
        blocking=True,
        description=f"pandera: {frame_schema.name} obeys its schema, derived from the declarations.",
    )
    def _asset_check(warehouse: WarehouseResource) -> dg.AssetCheckResult:
        with warehouse.connect() as conn:
            rows, failures = validate_table(conn, frame_schema, layer, table, order)
        shown = failures.head(FAILURES_SHOWN).astype(str).to_dict(orient="records") if len(failures) else []
        return dg.AssetCheckResult(
            passed=failures.empty,
            metadata={"rows_checked": rows, "failures": len(failures), "failure_cases": dg.MetadataValue.json(shown)},
        )

    return _asset_check


PANDERA_CHECKS = [
    _check(schema(source, layer), layer, source.name, LINEAGE_ORDER)
    for source in SOURCES.values()
    for layer in LAYERS
] + [_check(catalog_schema(model, layer), layer, table_name(model), model.key) for layer, model in CATALOG_MODELS]
