"""The catalog in the Dagster UI: a 挂接 check on every subject and share table, against its published entry."""

import dagster as dg

from hubei_data.catalog import lifecycle, linkage
from hubei_data.catalog.entry import EntryError
from hubei_data.catalog.models import Model, table_name
from hubei_data.quality.catalog_schemas import CATALOG_MODELS
from hubei_data.resources import WarehouseResource

CHECK_NAME = "catalog_linked"


def linkage_check(schema: str, model: Model) -> dg.AssetChecksDefinition:
    """The table's published catalog entries hang on it item for column (the same test as `catalog check`).

    A gap fails the check as an error; a table no published entry hangs on fails it as a warning, since every
    published table should be in the catalog but the build did nothing wrong. It never blocks what follows.
    """
    target = f"{schema}.{table_name(model)}"

    @dg.asset_check(
        asset=dg.AssetKey([schema, table_name(model)]), name=CHECK_NAME, blocking=False,
        description=f"挂接: every data item of the published catalog entry of {target} has a column behind it,"
                    " and every column a published data item.",
    )
    def _check(warehouse: WarehouseResource) -> dg.AssetCheckResult:
        with warehouse.connect() as conn:
            published = lifecycle.published_on(conn, target)
            if not published:
                return dg.AssetCheckResult(passed=False, severity=dg.AssetCheckSeverity.WARN, metadata={
                    "reason": f"no published catalog entry hangs on {target} (`hubei-data catalog register`)"})
            try:
                found = [linkage.gaps(conn, version.entry) for version in published]
            except EntryError as error:
                return dg.AssetCheckResult(passed=False, metadata={"reason": str(error)})
        return dg.AssetCheckResult(passed=not any(found), metadata={
            "entries": ", ".join(f"{v.code} version {v.version}" for v in published),
            "items_without_column": ", ".join(f for gaps in found for f in gaps.items_without_column),
            "columns_without_item": ", ".join(c for gaps in found for c in gaps.columns_without_item),
        })

    return _check


def catalog_definitions() -> dg.Definitions:
    """One 挂接 check per subject and share table."""
    return dg.Definitions(asset_checks=[linkage_check(schema, model) for schema, model in CATALOG_MODELS])
