"""The daily extract: a schedule that reads yesterday from every source database, and a build after it of only
what is downstream of the extracts that landed a batch."""

import dagster as dg

from hubei_data.ingest.assets import DAILY, EXTRACT_ASSETS, RAW_BEHIND
from hubei_data.ops.freeze_guard import partition_schedule, without_frozen
from hubei_data.ops.freezes import frozen
from hubei_data.resources import WarehouseResource
from hubei_data.transform.jobs import AFTER_RUN_TAG, build_all_job
from hubei_data.transform.selection import build_selection

EXTRACT_KEYS = [a.key for a in EXTRACT_ASSETS]

daily_extract_job = dg.define_asset_job(
    "daily_extract_job",
    selection=dg.AssetSelection.assets(*EXTRACT_KEYS),
    partitions_def=DAILY,
    description="Reads one day of every source database; a sensor then builds what is downstream of those that "
    "landed a batch.",
)

daily_extract_schedule = partition_schedule(daily_extract_job, DAILY, "0 1 * * *", EXTRACT_KEYS)


def landed_in_run(instance: dg.DagsterInstance, run_id: str) -> set[dg.AssetKey]:
    """The landing assets of a run that left raw rows to take in."""
    records = instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION).records
    events = [record.event_log_entry.dagster_event for record in records]
    return {event.asset_key for event in events
            if getattr(event.event_specific_data.materialization.metadata.get(RAW_BEHIND), "value", False)}


def _build_after_extract(status: dg.DagsterRunStatus) -> dg.SensorDefinition:
    """One build per extract run, chosen after it: one run for all sources, so the shared dbt step runs once.

    Inside the extract's own run Dagster would skip the whole dbt step if any one source landed nothing.
    A failed extract run still has the sources that landed built.
    """

    @dg.run_status_sensor(
        name=f"build_after_daily_extract_{status.value.lower()}_sensor",
        run_status=status,
        monitored_jobs=[daily_extract_job],
        request_job=build_all_job,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description=f"After a daily extract run ends in {status.value}, builds only what is downstream of the "
        "extracts that landed a batch; nothing when every day was unchanged.",
    )
    def _sensor(context: dg.RunStatusSensorContext, warehouse: WarehouseResource):
        run_id = context.dagster_run.run_id
        landed = landed_in_run(context.instance, run_id)
        if not landed:
            return dg.SkipReason(f"the daily extract run {run_id} landed nothing new: nothing to build")
        graph = context.repository_def.asset_graph
        with warehouse.connect() as conn:
            selection = build_selection(graph, conn, landed)
            freezes = frozen(conn)
        request = dg.RunRequest(run_key=run_id, asset_selection=selection, tags={AFTER_RUN_TAG: run_id})
        return without_frozen(context, build_all_job, request, selection, freezes)

    return _sensor


BUILD_AFTER_EXTRACT_SENSORS = [_build_after_extract(status)
                               for status in (dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE)]
