"""What the data API adds to Dagster: the daily call statistics asset and its schedule."""

import datetime as dt

import dagster as dg

from hubei_data.api.stats import store_day
from hubei_data.control.schema import require_current
from hubei_data.ops.freeze_guard import partition_schedule, refuse_frozen_assets
from hubei_data.resources import WarehouseResource

DAILY = dg.DailyPartitionsDefinition(start_date="2026-01-01", timezone="UTC")


@dg.asset(
    key=["api", "daily_stats"],
    group_name="api",
    partitions_def=DAILY,
    kinds={"postgres"},
    description="数据服务调用统计: calls, errors, error rate and latency percentiles (p50/p95/p99) per API "
                "and consumer for one day, from the call log; a rerun replaces the day.",
)
def api_daily_stats(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    day = dt.date.fromisoformat(context.partition_key)
    with warehouse.connect() as conn:
        require_current(conn)
        refuse_frozen_assets(conn, context.selected_asset_keys)
        rows = store_day(conn, day, context.run_id)
    return dg.MaterializeResult(metadata={
        "calls": sum(r["calls"] for r in rows),
        "errors": sum(r["errors"] for r in rows),
        "apis": len({r["api"] for r in rows}),
        "consumers": len({r["consumer"] for r in rows}),
    })


api_stats_job = dg.define_asset_job("api_stats_job", selection=[api_daily_stats], partitions_def=DAILY)
api_stats_schedule = partition_schedule(api_stats_job, DAILY, "30 0 * * *", [api_daily_stats.key])


def api_definitions() -> dg.Definitions:
    return dg.Definitions(assets=[api_daily_stats], jobs=[api_stats_job], schedules=[api_stats_schedule])
