"""A sensor per bureau feed: each materialisation of its share dataset asks for one push run."""

import dagster as dg

from hubei_data.exchange.feeds import FEEDS, Feed


def push_job(feed: Feed):
    return dg.define_asset_job(f"push_{feed.name}_job", selection=[feed.push_key])


def _sensor(feed: Feed) -> dg.SensorDefinition:
    @dg.asset_sensor(
        asset_key=feed.dataset_key,
        job_name=f"push_{feed.name}_job",
        name=f"bureau_{feed.name}_sensor",
        default_status=dg.DefaultSensorStatus.RUNNING,
    )
    def _watch(context: dg.SensorEvaluationContext, asset_event: dg.EventLogEntry):
        # A materialisation is the run that made it and its moment: one push each.
        yield dg.RunRequest(run_key=f"{feed.name}:{asset_event.run_id}:{asset_event.timestamp}")

    return _watch


PUSH_JOBS = [push_job(feed) for feed in FEEDS.values()]
PUSH_SENSORS = [_sensor(feed) for feed in FEEDS.values()]
