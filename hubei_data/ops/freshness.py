"""Is each share dataset as fresh as its catalog entry promises (更新周期)? Dagster freshness checks say so in
the UI, and the watcher turns a stale dataset into an alert; both read the cycle from the one declaration."""

import datetime as dt
import warnings

import dagster as dg

from hubei_data.catalog.models import Dataset, table_name
from hubei_data.catalog.share import SHARE_DATASETS
from hubei_data.ops.alerting import Condition
from hubei_data.ops.contacts import OPERATIONS
from hubei_data.ops.probes import Findings, Sample

# The longest a dataset of each update cycle may go without a new build, with room for a late run.
CYCLES = {
    "实时": dt.timedelta(hours=2),
    "每日": dt.timedelta(hours=26),
    "每周": dt.timedelta(days=8),
    "每月": dt.timedelta(days=32),
    "每季度": dt.timedelta(days=93),
    "每年": dt.timedelta(days=367),
}


def asset_key(dataset: Dataset) -> dg.AssetKey:
    return dg.AssetKey(["share", table_name(dataset)])


def allowed_age(dataset: Dataset) -> dt.timedelta:
    try:
        return CYCLES[dataset.update_frequency]
    except KeyError:
        raise ValueError(f"{dataset.name}: update_frequency {dataset.update_frequency!r} is not one of"
                         f" {', '.join(CYCLES)}") from None


def freshness_definitions() -> dg.Definitions:
    """A freshness check per share dataset, by its cycle, and the sensor that evaluates them (running).

    Dagster calls these checks superseded by freshness policies, but those are still a preview that
    must be switched on in dagster.yaml; the checks are the stable way today, so their notice is muted.
    """
    by_age: dict[dt.timedelta, list[dg.AssetKey]] = {}
    for dataset in SHARE_DATASETS:
        by_age.setdefault(allowed_age(dataset), []).append(asset_key(dataset))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dg.SupersessionWarning)
        checks = [check for age, keys in sorted(by_age.items())
                  for check in dg.build_last_update_freshness_checks(assets=keys, lower_bound_delta=age)]
        sensor = dg.build_sensor_for_freshness_checks(freshness_checks=checks,
                                                      default_status=dg.DefaultSensorStatus.RUNNING)
    return dg.Definitions(asset_checks=checks, sensors=[sensor])


def stale_datasets(instance: dg.DagsterInstance, now: dt.datetime) -> Findings:
    """Each share dataset's age since its last build; older than its cycle allows is a warning."""
    found = Findings(rules={"dataset_stale"})
    for dataset in SHARE_DATASETS:
        event = instance.get_latest_materialization_event(asset_key(dataset))
        if event is None:
            continue
        age = now - dt.datetime.fromtimestamp(event.timestamp, dt.UTC)
        found.samples.append(Sample("dataset_age_seconds", table_name(dataset), age.total_seconds()))
        if age > allowed_age(dataset):
            found.conditions.append(Condition(
                "dataset_stale", table_name(dataset), "warning",
                f"共享数据集{dataset.chinese}（{table_name(dataset)}，更新周期{dataset.update_frequency}）已 {age.days} 天 {age.seconds // 3600} 小时未更新", OPERATIONS))
    return found
