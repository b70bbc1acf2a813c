"""The scheduled backup and drill: both run without anyone starting them, and a failure ends the run in one line."""

import json

import dagster as dg
import psycopg
import pytest

from hubei_data.ops import backup, manifest
from hubei_data.ops.backup_jobs import backup_drill_job, backup_job
from hubei_data.resources import WarehouseResource

RESOURCES = {"warehouse": WarehouseResource()}


def test_the_backup_runs_daily_and_the_drill_weekly_from_the_start():
    from hubei_data.definitions import defs

    loaded = defs()
    daily, weekly = loaded.resolve_schedule_def("backup_job_schedule"), loaded.resolve_schedule_def(
        "backup_drill_job_schedule")
    assert (daily.job_name, daily.cron_schedule, daily.execution_timezone) == ("backup_job", "30 2 * * *",
                                                                                "Asia/Shanghai")
    assert (weekly.job_name, weekly.cron_schedule) == ("backup_drill_job", "30 4 * * 0")
    assert daily.default_status == weekly.default_status == dg.DefaultScheduleStatus.RUNNING


@pytest.fixture
def scheduled(warehouse_with_data, settings, fresh_database, use_warehouse, monkeypatch):
    """The warehouse with data as this process's warehouse, as the daemon would run the jobs against it."""
    use_warehouse(warehouse_with_data)
    monkeypatch.setenv("HUBEI_DATA_BACKUP_DIR", str(settings.directory))
    monkeypatch.setenv("HUBEI_DATA_DRILL_DATABASE_URL", fresh_database("drill").url)
    return warehouse_with_data


def _failure(result: dg.ExecuteInProcessResult) -> str:
    [failed] = [event for event in result.all_events if event.is_step_failure]
    return failed.step_failure_data.user_failure_data.description


def test_the_jobs_back_up_and_drill_and_a_disagreeing_drill_fails_its_run_naming_the_table(scheduled, settings):
    backed_up = backup_job.execute_in_process(resources=RESOURCES)
    assert backed_up.success
    [found] = backup.on_disk(settings.directory).values()
    with psycopg.connect(scheduled.url) as conn:
        assert conn.execute("select requested_by, status from ops.backups").fetchall() == [
            (f"dagster run {backed_up.run_id}", "succeeded")]
    assert backup_drill_job.execute_in_process(resources=RESOURCES).success

    path = manifest.manifest_path(settings.directory, found.backup_id)
    edited = json.loads(path.read_text())
    edited["tables"]["landing.enterprise"]["rows"] = 51
    path.write_text(json.dumps(edited))
    drilled = backup_drill_job.execute_in_process(resources=RESOURCES, raise_on_error=False)
    assert not drilled.success
    assert _failure(drilled).startswith(f"backup {found.backup_id} restored into postgresql://")
    assert _failure(drilled).endswith(f"disagrees with its manifest in 1 of {len(found.tables)} tables:"
                                      " landing.enterprise")
    with psycopg.connect(scheduled.url) as conn:
        assert conn.execute("select status from ops.drills order by drill_id").fetchall() == [
            ("matched",), ("disagreed",)]


def test_a_backup_that_fails_fails_its_run_in_one_line_and_is_recorded(scheduled, tmp_path, monkeypatch):
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    monkeypatch.setenv("HUBEI_DATA_BACKUP_DIR", str(not_a_folder / "backups"))
    failed = backup_job.execute_in_process(resources=RESOURCES, raise_on_error=False)
    assert not failed.success
    cause = _failure(failed)
    assert "\n" not in cause and cause.endswith(f"failed: {not_a_folder / 'backups'}: Not a directory"), cause
    with psycopg.connect(scheduled.url) as conn:
        assert conn.execute("select status, error from ops.backups").fetchall() == [("failed", cause)]

    monkeypatch.setenv("HUBEI_DATA_BACKUP_KEEP_DAILY", "0")
    refused = backup_job.execute_in_process(resources=RESOURCES, raise_on_error=False)
    assert _failure(refused) == "HUBEI_DATA_BACKUP_KEEP_DAILY='0': input should be greater than or equal to 1"
