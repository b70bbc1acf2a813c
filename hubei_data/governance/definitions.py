"""The three lists in the Dagster UI: an asset after the share library that every build materialises, with one check
per list."""

import datetime as dt

import dagster as dg

from hubei_data.catalog.share import SHARE_DATASETS
from hubei_data.governance import list_status, lists
from hubei_data.ops.freshness import asset_key
from hubei_data.registry.lists import LISTS
from hubei_data.resources import WarehouseResource

ASSET = dg.AssetKey(["lists", "three_lists"])


@dg.asset(key=ASSET, group_name="lists", deps=[asset_key(dataset) for dataset in SHARE_DATASETS], kinds={"yaml"})
def three_lists() -> dg.MaterializeResult:
    """三清单: the responsibilities, demands and negative list (registry/lists/) as imported, each version with the
    workbook it came from, checked against the catalog after every build of the share library."""
    declared = lists.load()
    return dg.MaterializeResult(metadata={
        kind: f"{LISTS[kind].chinese} version {held.version}, {len(held.entries)} entries"
                   + (f", from {held.imported_from} on {held.imported_on}" if held.imported_from else "")
        for kind, held in declared.lists.items()})


def _result(statuses: list[list_status.Status]) -> dg.AssetCheckResult:
    failing = [status for status in statuses if not status.holds]
    return dg.AssetCheckResult(passed=not failing, metadata={
        "failing": "\n".join(f"{s.code} {s.name}: {s.detail}" for s in failing) or "none",
        "holding": ", ".join(s.code for s in statuses if s.holds) or "none"})


@dg.asset_check(asset=ASSET, name="responsibilities_published_and_fresh", blocking=False,
                description="责任清单: every responsibility's catalog entries are published, hold data and were built"
                            " within its update cycle.")
def responsibilities_published_and_fresh(context: dg.AssetCheckExecutionContext,
                                         warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.connect() as conn:
        statuses = list_status.responsibilities(conn, context.instance, lists.load(), dt.datetime.now(dt.UTC))
    return _result(statuses)


@dg.asset_check(asset=ASSET, name="demands_met_or_answered", blocking=False,
                description="需求清单: every demand is met by a share dataset, data API or valid subscription, or"
                            " carries a written answer.")
def demands_met_or_answered() -> dg.AssetCheckResult:
    return _result(list_status.demands(lists.load(), dt.date.today()))


@dg.asset_check(asset=ASSET, name="negative_list_respected", blocking=False,
                description="负面清单: no share model column, data API answer or subscription field carries an item"
                            " of the negative list.")
def negative_list_respected() -> dg.AssetCheckResult:
    from hubei_data.catalog import manifest

    found = list_status.negative(lists.load(), manifest.load())
    return dg.AssetCheckResult(passed=not found, metadata={"breaches": "\n".join(found) or "none"})


def governance_definitions() -> dg.Definitions:
    """The three lists' asset and its checks."""
    return dg.Definitions(assets=[three_lists], asset_checks=[
        responsibilities_published_and_fresh, demands_met_or_answered, negative_list_respected])
