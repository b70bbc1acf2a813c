"""What backups add to Dagster: a daily backup and a weekly restore drill, each failing its run in one line.

A failed backup or a drill that disagrees is recorded in `ops.backups` / `ops.drills`; the alerting that
reads those comes later.
"""

import dagster as dg

from hubei_data.beijing_time import LOCAL
from hubei_data.ops import backup, drill
from hubei_data.ops.settings import BackupError, BackupSettings
from hubei_data.resources import WarehouseResource


@dg.op
def back_up_warehouse(context: dg.OpExecutionContext, warehouse: WarehouseResource) -> None:
    """pg_dump of landing, raw and the platform's own schemas with its manifest, then retention."""
    try:
        made = backup.run(warehouse.connect_info(), BackupSettings.from_env(), f"dagster run {context.run_id}")
    except BackupError as error:
        raise dg.Failure(description=str(error)) from None
    manifest = made.manifest
    context.log.info(f"backup {manifest.backup_id}: {len(manifest.tables)} tables, {manifest.rows} rows,"
                     f" {manifest.size_bytes} bytes in {made.path}; pruned {', '.join(made.pruned) or 'none'}")


@dg.op
def drill_latest_backup(context: dg.OpExecutionContext, warehouse: WarehouseResource) -> None:
    """Restore the newest backup into a scratch database and compare every table with its manifest."""
    try:
        result = drill.drill(warehouse.connect_info(), BackupSettings.from_env(), None, f"dagster run {context.run_id}")
    except BackupError as error:
        raise dg.Failure(description=str(error)) from None
    for mismatch in result.mismatches:
        context.log.error(str(mismatch))
    if result.mismatches:
        raise dg.Failure(description=result.summary())
    context.log.info(result.summary())


@dg.job(description="Backs up the warehouse's landing, raw and own schemas (备份), then applies retention.")
def backup_job() -> None:
    back_up_warehouse()


@dg.job(description="Restores the newest backup into a scratch database and checks every table (恢复演练).")
def backup_drill_job() -> None:
    drill_latest_backup()


daily_backup_schedule = dg.ScheduleDefinition(
    job=backup_job, cron_schedule="30 2 * * *", execution_timezone=LOCAL.key,
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
weekly_drill_schedule = dg.ScheduleDefinition(
    job=backup_drill_job, cron_schedule="30 4 * * 0", execution_timezone=LOCAL.key,
    default_status=dg.DefaultScheduleStatus.RUNNING,
)


def backup_definitions() -> dg.Definitions:
    return dg.Definitions(jobs=[backup_job, backup_drill_job], schedules=[daily_backup_schedule, weekly_drill_schedule])
