"""Every metric a Dagster asset, partitioned by month (by day for daily ones), its deps following its definition."""

import datetime as dt

import dagster as dg
import psycopg

from hubei_data.beijing_time import LOCAL
from hubei_data.control.schema import require_current
from hubei_data.metrics.compute import compute
from hubei_data.metrics.registry import Metric, Registry, load_registry
from hubei_data.ops.freeze_guard import partition_schedule, refuse_frozen_assets
from hubei_data.resources import WarehouseResource

MONTHLY = dg.MonthlyPartitionsDefinition(start_date="2024-01-01", timezone=LOCAL.key)
DAILY = dg.DailyPartitionsDefinition(start_date="2024-01-01", timezone=LOCAL.key)
# How many earlier partitions of its part a metric reads, by period or growth function.
_LOOKBACK_MONTHS = {"quarter": 2, "year": 11, "rolling": 1, "growth_mom": 1, "growth_yoy": 12}
_LOOKBACK_DAYS = {"growth_mom": 1, "growth_yoy": 366}


def metric_key(code: str) -> dg.AssetKey:
    return dg.AssetKey(["metric", code])


def _partitions(registry: Registry, code: str) -> dg.PartitionsDefinition:
    return DAILY if registry.period_of(code).kind == "day" else MONTHLY


def _deps(registry: Registry, metric: Metric) -> list[dg.AssetDep]:
    if metric.kind in ("atomic", "custom"):
        return [dg.AssetDep(dg.AssetKey(metric.model.split(".")))]
    daily = registry.period_of(metric.code).kind == "day"
    lookback = {part: 0 for part in metric.parts}
    if metric.kind == "derived" and metric.period.kind in _LOOKBACK_MONTHS:
        lookback[metric.atomic] = _LOOKBACK_MONTHS[metric.period.kind]
    if metric.kind == "composite":
        for function, part in metric.expression.growth:
            lookback[part] = max(lookback[part], (_LOOKBACK_DAYS if daily else _LOOKBACK_MONTHS)[function])
    deps = []
    for part, back in lookback.items():
        same = _partitions(registry, part) is _partitions(registry, metric.code)
        mapping = dg.TimeWindowPartitionMapping(start_offset=-back) if back and same else None
        deps.append(dg.AssetDep(metric_key(part), partition_mapping=mapping))
    return deps


def _asset(registry: Registry, metric: Metric) -> dg.AssetsDefinition:
    period = registry.period_of(metric.code)

    @dg.asset(
        key=metric_key(metric.code),
        group_name="metric",
        partitions_def=_partitions(registry, metric.code),
        deps=_deps(registry, metric),
        kinds={"postgres"},
        backfill_policy=dg.BackfillPolicy.single_run(),
        description=f"{metric.name}（{ {'atomic': '原子指标', 'derived': '派生指标', 'composite': '复合指标', 'custom': '自定义指标'}[metric.kind]}）: "
                    f"{metric.definition} 单位：{metric.unit}；责任处室：{metric.owner}。",
        metadata={"kind": metric.kind, "unit": metric.unit, "owner": metric.owner, "period": str(period),
                  "by": ", ".join(registry.dims_of(metric.code)) or "total"},
    )
    def _compute(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
        partitions = [dt.date.fromisoformat(key[:10]) for key in context.partition_keys]
        rows = []
        with warehouse.connect() as conn:
            require_current(conn)
            refuse_frozen_assets(conn, context.selected_asset_keys)
            for partition in partitions:
                try:
                    rows = compute(conn, registry, metric.code, partition, context.run_id)
                except psycopg.errors.UndefinedTable as error:
                    raise dg.Failure(f"{error.diag.message_primary}: build the libraries first "
                                     f"(`hubei-data demo`, or `hubei-data build`)") from None
                context.log.info(f"{metric.code} {partition}: {len(rows)} values")
        metadata = {"partitions": len(partitions), "rows": len(rows),
                    "period_start": str(period.window(partitions[-1])[0]), "period_end": str(period.window(partitions[-1])[1])}
        if len(rows) == 1 and not rows[0]["dims"] and rows[0]["value"] is not None:
            metadata["value"] = float(rows[0]["value"])
        return dg.MaterializeResult(metadata=metadata)

    return _compute


def metric_definitions(registry: Registry | None = None) -> dg.Definitions:
    """Reads the metric files; a broken one stops the load with its file, metric and reason."""
    registry = registry or load_registry()
    assets = [_asset(registry, m) for m in registry.metrics.values()]
    monthly = [metric_key(c) for c in registry.metrics if _partitions(registry, c) is MONTHLY]
    daily = [metric_key(c) for c in registry.metrics if _partitions(registry, c) is DAILY]
    monthly_job = dg.define_asset_job("metrics_monthly_job", selection=monthly, partitions_def=MONTHLY,
                                      description="Every monthly metric for one month: atomic, then derived, then composite.")
    daily_job = dg.define_asset_job("metrics_daily_job", selection=daily, partitions_def=DAILY,
                                    description="Every daily metric for one day.")
    return dg.Definitions(
        assets=assets,
        jobs=[monthly_job, daily_job],
        schedules=[partition_schedule(monthly_job, MONTHLY, "0 4 1 * *", monthly),
                   partition_schedule(daily_job, DAILY, "30 4 * * *", daily)],
    )
