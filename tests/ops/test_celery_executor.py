"""Runs whose steps two Celery workers execute through a Redis broker, with one push at a time per target.

Two `hubei-data push share` commands push two subscriptions to the same front-end database at once. The first push
to start is held up by a lock the test keeps on the target's tables; meanwhile the second must wait for the target's
pool instead of starting on the idle worker.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import psutil
import psycopg
import pytest
import redis

from hubei_data import project, runner
from hubei_data.exchange.pools import front_end_pool
from hubei_data.exchange.subscription import DATASETS
from hubei_data.exchange.targets import Target
from hubei_data.transform.manifest import ensure_manifest
from tests import people
from tests.debian import program
from tests.polling import wait_for
from tests.recall_system import copy_project

BIN = Path(sys.executable).parent
TARGET_ENV = "HUBEI_DATA_TARGET_CELERY_URL"
TABLES = {"celery_one": "yj_one", "celery_two": "yj_two"}
FIELDS = ["case_no", "uscc", "decided_on", "fine_yuan"]
WORKERS = ("one", "two")
ROWS = 2000
SUBSCRIPTION = """\
id: {id}
department: 湖北省医疗保障局
purpose: 医保基金监管
dataset: penalty_info
fields: [{fields}]
schedule: "0 2 * * *"
target: {{url_env: {env}, table: {table}}}
mode: upsert
valid_from: 2000-01-01
valid_until: 2099-12-31
"""


@pytest.fixture
def broker(tmp_path):
    """A Redis server of its own on a free loopback port, installed from Debian's packages when missing; its URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [program("redis-server", "redis-server"), "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        wait_for(lambda: _answers(redis.Redis.from_url(url)), 30, "redis to answer")
        yield url
    finally:
        server.terminate()
        server.wait(30)


def _answers(client: redis.Redis) -> bool:
    try:
        return client.ping()
    except redis.ConnectionError:
        return False


@pytest.fixture
def pushing(share_db, use_warehouse, fresh_database, broker, tmp_path):
    """Penalties in the share library, two subscriptions to one front-end database whose tables exist, and the
    environment of every process: the warehouse, a copy of the project declaring those subscriptions alone, the
    target and the broker."""
    use_warehouse(share_db)
    with psycopg.connect(share_db.url) as conn:
        conn.execute(
            "insert into share.penalty_info (case_no, uscc, enterprise_name, decided_on, violation, fine_yuan,"
            " confiscated_yuan, _batch_id, _row_number, _row_hash, _first_sync_id, _sync_id, _synced_at)"
            " select 'P' || lpad(n::text, 6, '0'), '91420100MA4K12345K', '企业', date '2026-05-01', '违法', 100 + n,"
            " 0, 1, n, md5(n::text), 's', 's', clock_timestamp() from generate_series(1, %s) n", (ROWS,),
        )
    root = copy_project(tmp_path)
    # The copy's manifest is current (copies keep their times), so no process parses the dbt project again.
    (root / "dbt_project" / "target").mkdir()
    shutil.copy2(ensure_manifest(), root / "dbt_project" / "target" / "manifest.json")
    folder = root / "registry" / "subscriptions"
    for subscription, table in TABLES.items():
        (folder / f"{subscription}.yaml").write_text(
            SUBSCRIPTION.format(id=subscription, fields=", ".join(FIELDS), env=TARGET_ENV, table=table),
            encoding="utf-8")
    target_url = fresh_database("target").url.replace("postgresql://", "postgresql+psycopg://", 1)
    target = Target(target_url)
    for table in TABLES.values():
        target.ensure(target.table(table, DATASETS["penalty_info"], FIELDS))
    target.engine.dispose()
    return {**os.environ, "HUBEI_DATA_DIR": str(tmp_path), "HUBEI_DATA_DATABASE_URL": share_db.url,
            project.VARIABLE: str(root), TARGET_ENV: target_url, "HUBEI_DATA_CELERY_BROKER": broker}


def _start_worker(name: str, environment: dict, logs: Path) -> subprocess.Popen:
    """`celery -A hubei_data.celery_worker worker` as the README starts one, its log in `logs`."""
    with open(logs / f"worker_{name}.log", "w") as log:
        return subprocess.Popen(
            [str(BIN / "celery"), "-A", "hubei_data.celery_worker", "worker", "--hostname", f"{name}@%h",
             "--concurrency", "1", "--loglevel", "INFO"],
            env=environment, stdout=subprocess.DEVNULL, stderr=log,
        )


def _push(subscription: str, environment: dict) -> subprocess.Popen:
    args = ["push", "share", "--subscription", subscription]
    token = people.token_for(environment["HUBEI_DATA_DATABASE_URL"], args)
    return subprocess.Popen([str(BIN / "hubei-data"), *args], env={**environment, people.TOKEN_VARIABLE: token},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _run_of(subscription: str) -> dg.DagsterRun | None:
    runs = runner.instance().get_runs(dg.RunsFilter(job_name=f"share_{subscription}_job"))
    return runs[0] if runs else None


def _push_step(subscription: str) -> str:
    """The step of the subscription's push; its run has another, the check after it."""
    return dg.AssetKey(["exchange", f"share_{subscription}"]).to_python_identifier()


def _events(run_id: str, event_type: dg.DagsterEventType, step_key: str | None = None) -> list[dg.EventLogEntry]:
    """The run's events of a type, of one step or all."""
    records = runner.instance().get_records_for_run(run_id, of_type=event_type).records
    return [record.event_log_entry for record in records if step_key in (None, record.event_log_entry.step_key)]


def _holds(condition, seconds: float) -> bool:
    """Whether the condition holds throughout the next `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not condition():
            return False
        time.sleep(0.25)
    return True


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_two_workers_execute_the_pushes_and_the_targets_pool_lets_one_push_at_a_time(pushing, tmp_path):
    pool = front_end_pool(TARGET_ENV)
    holding = psycopg.connect(pushing[TARGET_ENV].replace("+psycopg", "", 1))
    holding.execute(f"lock table {', '.join(TABLES.values())} in access exclusive mode")
    workers = [_start_worker(name, pushing, tmp_path) for name in WORKERS]
    commands = {subscription: _push(subscription, pushing) for subscription in TABLES}
    try:
        def one_pushing_one_waiting():
            runs = {subscription: _run_of(subscription) for subscription in TABLES}
            if None in runs.values():
                return None
            info = runner.instance().event_log_storage.get_concurrency_info(pool)
            started = [s for s, run in runs.items()
                       if _events(run.run_id, dg.DagsterEventType.STEP_START, _push_step(s))]
            waiting = [s for s, run in runs.items() if run.run_id in info.pending_run_ids]
            return len(started) == 1 and len(waiting) == 1 and (started[0], waiting[0])

        first, second = wait_for(one_pushing_one_waiting, 180, "one push to start and the other to wait for the pool",
                                 interval=0.5)
        assert _holds(lambda: not _events(_run_of(second).run_id, dg.DagsterEventType.STEP_START), 2), (
            "the second push started while the first was still pushing to the target")
        assert runner.instance().event_log_storage.get_concurrency_info(pool).limit == 1
        holding.rollback()
        outputs = {subscription: command.communicate(timeout=180) for subscription, command in commands.items()}
        worker_processes = {process.pid for worker in workers for process in
                            [psutil.Process(worker.pid), *psutil.Process(worker.pid).children(recursive=True)]}
    finally:
        holding.close()
        for process in [*commands.values(), *workers]:
            _stop(process)

    for subscription, command in commands.items():
        out, err = outputs[subscription]
        assert command.returncode == 0, err
        assert out.startswith(f"{subscription}: succeeded, {ROWS} rows")

    spans = {}
    for subscription in TABLES:
        run_id, step = _run_of(subscription).run_id, _push_step(subscription)
        (start,), (success,) = (_events(run_id, kind, step)
                                for kind in (dg.DagsterEventType.STEP_START, dg.DagsterEventType.STEP_SUCCESS))
        spans[subscription] = (start.timestamp, success.timestamp)
        assert {start.dagster_event.pid, success.dagster_event.pid} <= worker_processes
        engine_events = _events(run_id, dg.DagsterEventType.ENGINE_EVENT, step)
        (worker,) = {metadata["Celery worker"].value for entry in engine_events
                     if "Celery worker" in (metadata := entry.dagster_event.event_specific_data.metadata)}
        assert worker in {f"{name}@{socket.gethostname()}" for name in WORKERS}
    assert spans[first][1] <= spans[second][0], f"two pushes to one target overlapped: {spans}"

    with psycopg.connect(pushing[TARGET_ENV].replace("+psycopg", "", 1)) as conn:
        for table in TABLES.values():
            assert conn.execute(f"select count(*) from {table}").fetchone() == (ROWS,)
