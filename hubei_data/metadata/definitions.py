"""The nightly harvest of every system with a URL of its own, and the sources' schema-change checks."""

import dagster as dg

from hubei_data import systems
from hubei_data.beijing_time import LOCAL
from hubei_data.control.schema import require_current
from hubei_data.metadata.drift_checks import schema_drift_checks
from hubei_data.metadata.harvest import harvest
from hubei_data.metadata.model import HarvestError
from hubei_data.resources import WarehouseResource

HARVESTED_BY = "metadata_harvest_job"


@dg.op
def harvest_every_system(context: dg.OpExecutionContext, warehouse: WarehouseResource) -> None:
    """Harvest each system with its own URL; one that fails is named and the others still go ahead."""
    failed = []
    with warehouse.connect() as conn:
        conn.autocommit = True
        require_current(conn)
        for system in systems.with_own_url():
            try:
                saved = harvest(conn, system.code, f"{HARVESTED_BY} {context.run_id}", progress=context.log.info)
            except HarvestError as error:
                context.log.error(str(error))
                failed.append(str(error))
                continue
            context.log.info(f"{system.code}: {'version' if saved.new else 'unchanged, still version'}"
                             f" {saved.version}, {saved.tables} tables")
    if failed:
        raise dg.Failure(description="; ".join(failed))


@dg.job(description="Harvests the metadata of every business system with a URL of its own (元数据定时采集).")
def metadata_harvest_job() -> None:
    harvest_every_system()


metadata_harvest_job_schedule = dg.ScheduleDefinition(
    job=metadata_harvest_job, cron_schedule="0 3 * * *", execution_timezone=LOCAL.key,
    default_status=dg.DefaultScheduleStatus.RUNNING,
)


def metadata_definitions() -> dg.Definitions:
    return dg.Definitions(jobs=[metadata_harvest_job], schedules=[metadata_harvest_job_schedule],
                          asset_checks=[schema_drift_checks])
