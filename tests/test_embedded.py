"""The embedded PostgreSQL stops once no live process holds it, however its holders ended."""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import psutil
import psycopg
import pytest

from hubei_data import embedded
from hubei_data.embedded import PostgresServer
from tests.polling import wait_for

HOLD = "from hubei_data import warehouse; warehouse.connect_info(); print('up', flush=True); import time; time.sleep(300)"


@pytest.fixture
def data_dir():
    """A data directory of its own, under /tmp for the socket's short path; removed afterwards."""
    path = Path(tempfile.mkdtemp(prefix="hdk"))
    yield path
    wait_for(lambda: not _server_up(path), 30, "the server to stop")
    shutil.rmtree(path, ignore_errors=True)


def _start_holder(data_dir: Path, *command: str) -> subprocess.Popen:
    process = subprocess.Popen(
        command or [sys.executable, "-c", HOLD], env={**os.environ, "HUBEI_DATA_DIR": str(data_dir)},
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    if not command:
        assert process.stdout.readline().strip() == "up"
    return process


def _server_up(data_dir: Path) -> bool:
    return (data_dir / "pg" / "postmaster.pid").exists()


@pytest.mark.parametrize("ending", [signal.SIGKILL, signal.SIGTERM])
def test_a_killed_holder_does_not_keep_the_server_up(data_dir, ending):
    holder = _start_holder(data_dir)
    assert _server_up(data_dir)
    holder.send_signal(ending)
    holder.wait()
    wait_for(lambda: not _server_up(data_dir) and not (data_dir / embedded.WATCHDOG_PID).exists(),
             30, "the server and its watchdog to stop")


def _holder_pids(data_dir: Path) -> list[int]:
    """The holders pgserver lists, read as it reads them: it truncates the file before writing it again."""
    path = data_dir / "pg" / ".handle_pids.json"
    text = path.read_text().strip() if path.exists() else ""
    return json.loads(text) if text else []


def test_the_server_stays_up_while_another_holder_lives(data_dir):
    first, second = _start_holder(data_dir), _start_holder(data_dir)
    first.kill()
    first.wait()
    wait_for(lambda: _holder_pids(data_dir) == [second.pid], 30, "the dead holder to be dropped")
    assert _server_up(data_dir)
    second.terminate()
    second.wait()


def test_a_look_the_watchdog_cannot_make_is_logged_and_tried_again_until_the_server_stops(data_dir):
    """A holders list it cannot read (here, left half-written) does not end the watchdog: it writes the error to
    its log (embedded.WATCHDOG_LOG) and looks again, and stops the server once the list reads as no live holder."""
    holder = _start_holder(data_dir)
    holders = data_dir / "pg" / ".handle_pids.json"
    with PostgresServer._lock:
        holder.kill()
        holder.wait()
        holders.write_text("[12")
    log = data_dir / embedded.WATCHDOG_LOG
    wait_for(lambda: log.exists() and "JSONDecodeError" in log.read_text(), 30, "the watchdog to log its failed look")
    assert _server_up(data_dir)
    with PostgresServer._lock:
        holders.write_text("[]")
    wait_for(lambda: not _server_up(data_dir) and not (data_dir / embedded.WATCHDOG_PID).exists(),
             30, "the server and its watchdog to stop")


def test_a_command_killed_mid_query_leaves_nothing_running(data_dir):
    cli = str(Path(sys.executable).parent / "hubei-data")
    command = _start_holder(data_dir, cli, "query", "select pg_sleep(120)", "--timeout", "300")
    wait_for(lambda: _server_up(data_dir) and command.pid in _holder_pids(data_dir), 60,
             "the command to hold the server")
    command.kill()
    command.wait()
    wait_for(lambda: not _server_up(data_dir), 30, "the server to stop")


def test_dead_holders_left_in_the_list_are_dropped_at_the_next_start(data_dir):
    holder = _start_holder(data_dir)
    holder.kill()
    holder.wait()
    wait_for(lambda: not _server_up(data_dir), 30, "the server to stop")
    pids = data_dir / "pg" / ".handle_pids.json"
    pids.write_text(json.dumps([holder.pid]))  # as a killed holder leaves it when no watchdog ran
    embedded.hold(data_dir / "pg")
    try:
        assert json.loads(pids.read_text()) == [os.getpid()]
    finally:
        embedded.release(data_dir / "pg")


def test_the_server_runs_with_settings_sized_to_the_machine(data_dir):
    expected = embedded.server_settings(psutil.virtual_memory().total)
    uri = embedded.hold(data_dir / "pg")
    try:
        with psycopg.connect(uri) as conn:
            differing = [name for name, value in expected.items() if not conn.execute(
                "select pg_size_bytes(current_setting(%s)) = pg_size_bytes(%s)", (name, value)).fetchone()[0]]
    finally:
        embedded.release(data_dir / "pg")
    assert differing == []
    assert (data_dir / "pg" / "postgresql.conf").read_text().count(embedded.SETTINGS_FILE) == 1


def test_settings_stay_within_bounds_on_small_and_large_machines():
    small, large = embedded.server_settings(2**30), embedded.server_settings(256 * 2**30)
    assert (small["shared_buffers"], small["maintenance_work_mem"]) == ("128MB", "64MB")
    assert (large["shared_buffers"], large["maintenance_work_mem"]) == ("4096MB", "1024MB")
