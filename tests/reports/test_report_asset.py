"""The weekly report asset: a week's partition writes its files into the reports folder, with their numbers."""

import dagster as dg

from hubei_data.reports.definitions import weekly_sharing_report
from hubei_data.resources import WarehouseResource
from tests.reports.sharing_week import a_week_of_sharing


def test_a_weeks_partition_writes_the_report_and_says_what_it_holds(reporting):
    with reporting.connect() as conn:
        a_week_of_sharing(conn)
    with dg.instance_for_test() as instance:
        result = dg.materialize([weekly_sharing_report], partition_key="2026-11-23", instance=instance,
                                resources={"warehouse": WarehouseResource()})
    [materialization] = result.asset_materializations_for_node("reports__weekly_sharing_report")
    metadata = {key: value.value for key, value in materialization.metadata.items()}
    assert metadata["week"] == "2026-W48"
    assert metadata["html"] == str(reporting.folder / "政务信息共享情况周报-2026-W48.html")
    assert (metadata["rows_pushed"], metadata["api_calls"], metadata["new_flagged_rows"]) == (200, 8, 4)
    assert sorted(path.name for path in reporting.folder.iterdir()) == [
        "政务信息共享情况周报-2026-W48.html", "政务信息共享情况周报-2026-W48.xlsx"]
    with reporting.connect() as conn:
        actor, source = conn.execute("select actor, source from control.audit_trail where action = 'data_export'"
                                     ).fetchone()
    assert (actor, source) == ("dagster", f"dagster run {result.run_id}")


def test_a_frozen_report_is_not_written(reporting):
    from hubei_data.control.audit_trail import Actor
    from hubei_data.ops import freezes

    with reporting.connect() as conn:
        freezes.freeze(conn, Actor("t_operator", "tests"), "asset", "reports/weekly_sharing_report", "周报格式调整中")
    with dg.instance_for_test() as instance:
        result = dg.materialize([weekly_sharing_report], partition_key="2026-11-23", instance=instance,
                                resources={"warehouse": WarehouseResource()}, raise_on_error=False)
    assert not result.success
    assert "周报格式调整中" in str(result.get_step_failure_events()[0].step_failure_data.error)
    assert not reporting.folder.exists() or list(reporting.folder.iterdir()) == []
