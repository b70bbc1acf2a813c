"""The periodic metadata sync: a running schedule whose job harvests every system with its own URL."""

import socket
import uuid

import dagster as dg
import psycopg

from hubei_data.metadata.definitions import metadata_harvest_job
from hubei_data.resources import WarehouseResource


def test_the_platform_schedules_the_harvest_nightly_without_anyone_starting_it():
    from hubei_data.definitions import defs

    schedule = defs().resolve_schedule_def("metadata_harvest_job_schedule")
    assert (schedule.job_name, schedule.cron_schedule, schedule.execution_timezone) == (
        "metadata_harvest_job", "0 3 * * *", "Asia/Shanghai")
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_job_harvests_each_system_and_names_the_one_it_could_not_reach(warehouse, fresh_database, monkeypatch):
    info = fresh_database("nightly")
    with psycopg.connect(info.url, autocommit=True) as conn:
        conn.execute("create table permit (permit_no varchar(20) primary key)")
    reachable, unreachable = f"ok{uuid.uuid4().hex[:6]}", f"down{uuid.uuid4().hex[:6]}"
    monkeypatch.setenv(f"HUBEI_DATA_SYSTEM_{reachable.upper()}_URL", info.sqlalchemy_url)
    monkeypatch.setenv(f"HUBEI_DATA_SYSTEM_{unreachable.upper()}_URL", f"postgresql://u@127.0.0.1:{_closed_port()}/x")
    result = metadata_harvest_job.execute_in_process(resources={"warehouse": WarehouseResource()},
                                                     instance=dg.DagsterInstance.ephemeral(), raise_on_error=False)
    assert not result.success
    [failure] = [event for event in result.all_events if event.event_type == dg.DagsterEventType.STEP_FAILURE]
    message = failure.step_failure_data.error.message
    assert f"system {unreachable} cannot be read at postgresql://u@127.0.0.1:" in message
    with psycopg.connect(warehouse.url) as conn:
        stored = dict(conn.execute("select system, max(version) from ops.metadata_versions where system in (%s, %s)"
                                   " group by system", (reachable, unreachable)).fetchall())
        assert stored == {reachable: 1}
        assert conn.execute("select harvested_by like 'metadata_harvest_job %%' from ops.metadata_versions"
                            " where system = %s", (reachable,)).fetchone() == (True,)
