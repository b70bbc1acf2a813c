"""What reports add to Dagster: the weekly sharing report, one partition per ISO week, written every Monday."""

import datetime as dt

import dagster as dg

from hubei_data.beijing_time import LOCAL
from hubei_data.control.audit_trail import Actor
from hubei_data.ops.freeze_guard import partition_schedule, refuse_frozen_assets
from hubei_data.registry import RegistryError
from hubei_data.reports import ReportError
from hubei_data.reports.generate import weekly_report
from hubei_data.reports.periods import Week
from hubei_data.reports.writing import reports_dir
from hubei_data.resources import WarehouseResource

# Partitions start on Mondays in Beijing time, from the first ISO week of 2026.
WEEKS = dg.WeeklyPartitionsDefinition(start_date="2025-12-29", day_offset=1, timezone=LOCAL.key)


@dg.asset(key=["reports", "weekly_sharing_report"], group_name="reports", partitions_def=WEEKS, kinds={"html", "excel"})
def weekly_sharing_report(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """政务信息共享情况周报: for one ISO week (Monday to Sunday, Beijing time), per department and dataset the
    rows pushed and the pushes failed and recovered (front-end databases and the national bureau), the data
    API's calls and errors per consumer department, per source the rows newly flagged and the rectification
    tickets opened, resolved and open at the week's end, with charts, then the three lists' checks and the
    matters' support; written as HTML and XLSX into HUBEI_DATA_REPORTS_DIR (default `<data dir>/reports`),
    replacing an earlier run's."""
    week = Week(dt.date.fromisoformat(context.partition_key))
    try:
        with warehouse.connect() as conn:
            conn.autocommit = True
            refuse_frozen_assets(conn, context.selected_asset_keys)
            data, written = weekly_report(conn, week, reports_dir(), Actor("dagster", f"dagster run {context.run_id}"),
                                          instance=context.instance)
    except (ReportError, RegistryError) as error:
        raise dg.Failure(description=str(error)) from None
    html, workbook = written
    return dg.MaterializeResult(metadata={
        "week": week.label,
        "html": dg.MetadataValue.path(str(html)),
        "xlsx": dg.MetadataValue.path(str(workbook)),
        **data.totals(),
    })


weekly_report_job = dg.define_asset_job("weekly_report_job", selection=[weekly_sharing_report], partitions_def=WEEKS)
weekly_report_schedule = partition_schedule(weekly_report_job, WEEKS, "0 6 * * 1", [weekly_sharing_report.key])


def report_definitions() -> dg.Definitions:
    return dg.Definitions(assets=[weekly_sharing_report], jobs=[weekly_report_job], schedules=[weekly_report_schedule])
