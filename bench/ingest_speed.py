"""`hubei-data ingest` of one file, end to end, as a user runs it: seconds and the peak memory of its processes."""

import os
import sys
import tempfile
import time
from pathlib import Path

import psutil
import psycopg

from hubei_data.control import people, sessions
from hubei_data.control.permissions import COMMAND_PERMISSION, Role

CLI = str(Path(sys.executable).parent / "hubei-data")


def operator_token(url: str) -> str:
    """A service token of an account allowed to ingest, made once in the bench's warehouse."""
    permission = COMMAND_PERMISSION["hubei-data ingest"]
    role = next(role for role in Role if permission in role.permissions)
    with psycopg.connect(url, autocommit=True) as conn:
        if people.find(conn, "bench") is None:
            first = people.add(conn, "bench", "bench", "bench", [role.value])
            people.change_password(conn, "bench", "bench", first, "Speed-passw0rd")
        return sessions.issue_service_token(conn, sessions.Identity("bench", (role.value,), "cli", False), "bench", 1)


def ingest(path: Path, rows: int, token: str) -> tuple[float, float]:
    """(seconds, peak RSS in MB of the largest of its processes) of `hubei-data ingest PATH --source vaccination`,
    which must land and build all `rows` rows."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        command = psutil.Popen([CLI, "ingest", str(path), "--source", "vaccination"],
                               env={**os.environ, "HUBEI_DATA_TOKEN": token}, stdout=out, stderr=err)
        peak = 0
        while command.poll() is None:
            peak = max(peak, _largest_rss(command))
            time.sleep(0.2)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        said = out.read().decode()
        if command.returncode or f"loaded {rows} rows" not in said or "built" not in said:
            raise RuntimeError(f"hubei-data ingest did not land and build {rows} rows: {said[-1000:]}"
                               f" {err.read().decode()[-2000:]}")
    return seconds, peak / 2**20


def _largest_rss(command: psutil.Process) -> int:
    sizes = []
    for process in [command, *_children(command)]:
        try:
            sizes.append(process.memory_info().rss)
        except psutil.Error:
            pass
    return max(sizes, default=0)


def _children(command: psutil.Process) -> list[psutil.Process]:
    try:
        return command.children(recursive=True)
    except psutil.Error:
        return []
