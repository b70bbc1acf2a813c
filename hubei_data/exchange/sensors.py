"""A sensor per bureau feed: each materialisation of its share dataset asks for one push run."""

import dagster as dg

from hubei_data.exchange.feeds import FEEDS, Feed
from hubei_data.exchange.resources import missing_configuration
from hubei_data.ops.freeze_guard import held
from hubei_data.ops.freezes import frozen
from hubei_data.resources import WarehouseResource


def push_job(feed: Feed):
    return dg.define_asset_job(f"push_{feed.name}_job", selection=[feed.push_key])


def _sensor(feed: Feed) -> dg.SensorDefinition:
    @dg.sensor(
        job_name=f"push_{feed.name}_job",
        name=f"bureau_{feed.name}_sensor",
        default_status=dg.DefaultSensorStatus.RUNNING,
        description=f"Pushes the {feed.name} feed after each materialisation of share.{feed.dataset}; "
        "skips, keeping its place, while the bureau is not configured or the feed is frozen.",
    )
    def _watch(context: dg.SensorEvaluationContext, warehouse: WarehouseResource):
        missing = missing_configuration()
        if missing:
            # The cursor stays put: the change made meanwhile is pushed once the bureau is configured.
            return dg.SkipReason(f"the bureau is not configured: set {', '.join(missing)} to push {feed.name}")
        with warehouse.connect() as conn:
            freeze = held(frozen(conn), ("feed", feed.name), ("asset", feed.push_key.to_user_string()))
        if freeze:
            # As above: once unfrozen, the latest change is pushed.
            return dg.SkipReason(f"{freeze.subject} is {freeze.describe()}")
        after = int(context.cursor) if context.cursor else None
        latest = context.instance.fetch_materializations(
            dg.AssetRecordsFilter(asset_key=feed.dataset_key, after_storage_id=after), limit=1, ascending=False
        ).records
        if not latest:
            return dg.SkipReason(f"share.{feed.dataset} has not materialised since the last push")
        event = latest[0].event_log_entry
        # A materialisation is the run that made it and its moment: one push each.
        return dg.SensorResult(
            run_requests=[dg.RunRequest(run_key=f"{feed.name}:{event.run_id}:{event.timestamp}")],
            cursor=str(latest[0].storage_id),
        )

    return _watch


PUSH_JOBS = [push_job(feed) for feed in FEEDS.values()]
PUSH_SENSORS = [_sensor(feed) for feed in FEEDS.values()]
