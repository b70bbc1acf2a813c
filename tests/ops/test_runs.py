"""Runs through the queue from the command line: each lands on the Dagster instance's run queue as the UI's would,
carries who asked, and is in the audit trail; the daemon launches them; every refusal is one line."""

import contextlib
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import dagster as dg
import psycopg
import pytest
import yaml
from click.testing import CliRunner
from dagster._core.run_coordinator import QueuedRunCoordinator

from hubei_data import runner
from hubei_data.cli import main
from hubei_data.control.permissions import Role
from hubei_data.ops.run_launcher import EXECUTED_BY, LAUNCHED_BY
from hubei_data.web.services import WORKSPACE
from tests import people
from tests.polling import wait_for

RUN_ID = re.compile(r"run ([0-9a-f-]{36})")


@pytest.fixture
def queue(migrated_database, use_warehouse):
    """A warehouse of the test's own in use, its Dagster instance storing runs in it."""
    info = migrated_database("runs")
    use_warehouse(info)
    return info


def _audit(info, action: str) -> list[tuple]:
    with psycopg.connect(info.url) as conn:
        return conn.execute("select actor, target, outcome, detail from control.audit_trail where action = %s"
                            " order by seq", (action,)).fetchall()


def _as(info, role: Role, *args: str):
    """The command run in this process as the test account holding `role`."""
    return CliRunner(env={people.TOKEN_VARIABLE: people.token(info, role)}).invoke(main, list(args))


def test_the_instance_queues_runs_for_the_daemon(queue):
    assert isinstance(runner.instance().run_coordinator, QueuedRunCoordinator)


def test_a_launched_run_waits_in_the_queue_with_who_asked_until_it_is_terminated(queue):
    launched = people.invoke(["runs", "launch", "api_stats_job", "--partition", "2026-03-01"], target=queue)
    assert launched.exit_code == 0, launched.output
    run_id = RUN_ID.search(launched.output).group(1)
    run = runner.instance().get_run_by_id(run_id)
    operator = people.person(queue, Role.OPERATOR)
    assert run.status == dg.DagsterRunStatus.QUEUED
    assert (run.tags[LAUNCHED_BY], run.tags["dagster/partition"]) == (operator, "2026-03-01")
    # The origin the daemon and the webserver load, so the daemon can launch it and the UI terminate it.
    assert run.remote_job_origin.location_name == "hubei_data.definitions"

    listed = people.invoke(["runs", "list", "--status", "queued", "--format", "json"], target=queue)
    assert run_id in listed.output and operator in listed.output

    terminated = people.invoke(["runs", "terminate", run_id], target=queue)
    assert terminated.exit_code == 0, terminated.output
    assert runner.instance().get_run_by_id(run_id).status == dg.DagsterRunStatus.CANCELED

    again = people.invoke(["runs", "terminate", run_id], target=queue)
    assert again.exit_code == 1
    assert again.output.strip() == f"Error: run {run_id} already ended (CANCELED): nothing to terminate"

    (launch,) = _audit(queue, "run_launch")
    assert launch[:3] == (operator, "hubei-data runs launch", "success") and launch[3]["run_id"] == run_id
    assert [(actor, outcome, detail["run_id"], detail.get("status", detail.get("error")))
            for actor, _, outcome, detail in _audit(queue, "run_terminate")] == [
        (operator, "success", run_id, "CANCELED"),
        (operator, "failure", run_id, f"run {run_id} already ended (CANCELED): nothing to terminate")]


def test_a_failed_run_is_rerun_from_its_failed_step(queue, monkeypatch):
    monkeypatch.delenv("HUBEI_DATA_TARGET_YIBAO_URL", raising=False)
    failed = runner.run_job("share_yibao_penalty_job")
    assert not failed.success

    rerun = people.invoke(["runs", "rerun", failed.run_id, "--from-failure"], target=queue)
    assert rerun.exit_code == 0, rerun.output
    run = runner.instance().get_run_by_id(RUN_ID.search(rerun.output).group(1))
    assert run.status == dg.DagsterRunStatus.QUEUED
    assert (run.parent_run_id, run.tags["dagster/is_resume_retry"]) == (failed.run_id, "true")
    # The step that failed, and the check its failure kept from running.
    assert sorted(run.step_keys_to_execute) == [
        "exchange__share_yibao_penalty", "exchange__share_yibao_penalty_share_yibao_penalty_on_time"]
    assert run.tags[LAUNCHED_BY] == people.person(queue, Role.OPERATOR)
    (audited,) = _audit(queue, "run_launch")
    assert (audited[3]["run_id"], audited[3]["new_run_id"]) == (failed.run_id, run.run_id)


def test_a_successful_run_is_not_rerun_and_an_unknown_run_is_named(queue):
    succeeded = runner.run_job("api_stats_job", partition_key="2026-03-01")
    assert succeeded.success
    refused = people.invoke(["runs", "rerun", succeeded.run_id], target=queue)
    assert refused.exit_code == 1
    assert refused.output.strip() == (f"Error: run {succeeded.run_id} succeeded: nothing to rerun"
                                      " (`hubei-data runs launch api_stats_job` runs the job again)")
    unknown = people.invoke(["runs", "terminate", "no-such-run"], target=queue)
    assert unknown.output.strip() == "Error: there is no run no-such-run (`hubei-data runs list` shows the runs)"


def test_a_backfill_of_three_days_is_one_backfill_of_three_partitions(queue):
    done = people.invoke(["runs", "backfill", "api_stats_job", "--from", "2026-03-01", "--to", "2026-03-03"],
                         target=queue)
    assert done.exit_code == 0, done.output
    (backfill,) = runner.instance().get_backfills()
    assert backfill.partition_names == ["2026-03-01", "2026-03-02", "2026-03-03"]
    assert backfill.tags[LAUNCHED_BY] == people.person(queue, Role.DATA_DEVELOPER)
    assert backfill.partition_set_origin.partition_set_name == "api_stats_job_partition_set"
    (audited,) = _audit(queue, "run_launch")
    assert (audited[0], audited[1], audited[3]["backfill_id"]) == (
        people.person(queue, Role.DATA_DEVELOPER), "hubei-data runs backfill", backfill.backfill_id)


@pytest.mark.parametrize(("args", "error"), [
    (["api_stats_job", "--from", "2026-03-03", "--to", "2026-03-01"],
     "the range runs backwards: --from 2026-03-03 is after --to 2026-03-01"),
    (["api_stats_job", "--from", "2025-12-30", "--to", "2026-01-02"],
     "2025-12-30 is not a partition of api_stats_job: its partitions run from 2026-01-01 to "),
    (["backup_job", "--from", "2026-03-01", "--to", "2026-03-02"],
     "backup_job has no partitions to backfill: `hubei-data runs launch backup_job` runs it"),
])
def test_a_backfill_outside_the_partitions_is_refused_in_one_line(queue, args, error):
    refused = people.invoke(["runs", "backfill", *args], target=queue)
    assert refused.exit_code == 1
    (line,) = refused.output.strip().splitlines()
    assert line.startswith(f"Error: {error}")
    assert runner.instance().get_backfills() == []


def test_who_may_not_launch_terminate_or_backfill_is_refused_before_anything_is_queued(queue):
    for role, args in [(Role.VIEWER, ["runs", "launch", "backup_job"]),
                       (Role.DATA_STEWARD, ["runs", "terminate", "any"]),
                       (Role.OPERATOR, ["runs", "backfill", "api_stats_job", "--from", "2026-03-01", "--to",
                                        "2026-03-02"])]:
        refused = _as(queue, role, *args)
        assert refused.exit_code == 3, refused.output
        assert "may not" in refused.output
    assert _as(queue, Role.VIEWER, "runs", "list").exit_code == 0
    assert runner.instance().get_run_records() == [] and runner.instance().get_backfills() == []


def _one_run_at_a_time(home: Path) -> Path:
    """A Dagster home of the instance's own settings that launches one run at a time: the run the test waits for
    then has the machine to itself, while the backfill's and the sensors' runs wait their turn in the queue."""
    config = yaml.safe_load(runner.DAGSTER_YAML)
    config["concurrency"]["runs"] = {"max_concurrent_runs": 1}
    home.mkdir()
    (home / "dagster.yaml").write_text(yaml.safe_dump(config))
    return home


@pytest.mark.slow
def test_the_daemon_launches_a_run_the_command_line_queued_and_runs_a_backfill_it_asked_for(queue, tmp_path):
    """The whole path: `hubei-data runs launch` and `runs backfill`, then the daemon `hubei-data ui` starts."""
    launched = people.invoke(["runs", "launch", "api_stats_job", "--partition", "2026-03-01"], target=queue)
    run_id = RUN_ID.search(launched.output).group(1)
    assert people.invoke(["runs", "backfill", "api_stats_job", "--from", "2026-03-02", "--to", "2026-03-03"],
                         target=queue).exit_code == 0
    # An empty data directory of its own, so the daemon's landing sensor finds no files of other tests.
    daemon = subprocess.Popen([str(Path(sys.executable).parent / "dagster-daemon"), "run", "-w", str(WORKSPACE)],
                              env={**os.environ, "HUBEI_DATA_DIR": str(tmp_path),
                                   "DAGSTER_HOME": str(_one_run_at_a_time(tmp_path / "daemon_home"))},
                              process_group=0, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    instance = runner.instance()

    def backfilled():
        (backfill,) = instance.get_backfills()
        found = instance.get_runs(dg.RunsFilter(tags={"dagster/backfill": backfill.backfill_id}))
        return len(found) == 2 and found

    try:
        wait_for(lambda: instance.get_run_by_id(run_id).is_finished, 180, "the daemon to launch and finish the run")
        assert instance.get_run_by_id(run_id).status == dg.DagsterRunStatus.SUCCESS
        # The daemon asked for one run per partition; running them is the same launch as above.
        runs = wait_for(backfilled, 180, "the backfill's runs")
        assert sorted(run.tags["dagster/partition"] for run in runs) == ["2026-03-02", "2026-03-03"]
    finally:
        # SIGINT is how Dagster's daemon shuts its code server down; what is left of its group goes after it.
        daemon.send_signal(signal.SIGINT)
        daemon.wait(60)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(daemon.pid, signal.SIGKILL)


# A job that waits, run the way `hubei-data ingest`, `build` and `push` run theirs: runner.run_job in this process.
WAITING_COMMAND = """
import time
import dagster as dg
from hubei_data import runner
from hubei_data.cli.runs import cause

@dg.op
def wait():
    time.sleep(300)

@dg.job
def waiting_job():
    wait()

runner.definitions = lambda: dg.Definitions(jobs=[waiting_job])
result = runner.run_job("waiting_job")
print(runner.instance().get_run_by_id(result.run_id).status.value)
print(cause(result))
"""


def _waiting_command(tmp_path) -> tuple[subprocess.Popen, dg.DagsterRun]:
    """A command executing a run, once its one step is under way; the run as stored."""
    script = tmp_path / "waiting.py"
    script.write_text(WAITING_COMMAND)
    command = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               text=True)
    instance = runner.instance()

    def step_started():
        runs = instance.get_runs(dg.RunsFilter(job_name="waiting_job", statuses=[dg.DagsterRunStatus.STARTED]))
        return runs and instance.get_records_for_run(
            runs[0].run_id, of_type=dg.DagsterEventType.STEP_START).records and runs[0]

    return command, wait_for(step_started, 60, "the command's run to start its step")


def test_a_run_a_command_executes_is_terminated_by_interrupting_that_command(queue, tmp_path):
    command, run = _waiting_command(tmp_path)
    try:
        assert run.tags[EXECUTED_BY].startswith(f"{command.pid}:")
        terminated = people.invoke(["runs", "terminate", run.run_id], target=queue)
        assert terminated.exit_code == 0, terminated.output
        assert terminated.output.strip() in (f"run {run.run_id}: canceling", f"run {run.run_id}: canceled")
        out, _ = command.communicate(timeout=60)
    finally:
        command.kill()
    assert out.splitlines() == ["CANCELED", "the run was terminated (from the UI or `hubei-data runs terminate`)"]
    assert runner.instance().get_run_by_id(run.run_id).status == dg.DagsterRunStatus.CANCELED


def test_a_run_whose_command_died_is_marked_canceled_when_terminated(queue, tmp_path):
    command, run = _waiting_command(tmp_path)
    command.kill()
    command.wait()
    terminated = people.invoke(["runs", "terminate", run.run_id], target=queue)
    assert terminated.exit_code == 0, terminated.output
    assert runner.instance().get_run_by_id(run.run_id).status == dg.DagsterRunStatus.CANCELED
    messages = [record.event_log_entry.dagster_event.message for record in runner.instance().get_records_for_run(
        run.run_id, of_type=dg.DagsterEventType.RUN_CANCELED).records]
    assert messages == ["the command executing this run had already ended"]
