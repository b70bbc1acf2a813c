"""The instance's run launcher: Dagster's own, which also stops the runs a command executes itself.

`hubei-data ingest`, `build`, `push`, `metrics` and `demo` execute their job inside the command, so they need nothing
else running and print each event as it happens; their runs are stored in the same instance, so the UI lists them
beside the queued ones. Each carries the command's process (id, start time, host). Terminating it — the UI's
Terminate button or `hubei-data runs terminate`, both through the run coordinator — marks it canceling and interrupts
that process; Dagster then ends the run CANCELED and the command exits with the reason.
"""

import signal
import socket

import psutil
from dagster import DefaultRunLauncher

# Who asked for the run: shown among its tags in the UI, and by `hubei-data runs list`.
LAUNCHED_BY = "hubei_data/launched_by"
# The command executing the run: "<pid>:<process start time>@<host>".
EXECUTED_BY = "hubei_data/executed_by"


def this_process() -> dict[str, str]:
    """The tag naming this process as the one executing a run."""
    me = psutil.Process()
    return {EXECUTED_BY: f"{me.pid}:{me.create_time():.3f}@{socket.gethostname()}"}


def _executing(named: str) -> psutil.Process | None:
    """The process of this host a tag names ("<pid>:<start time>"), if it still runs; a reused id is not it."""
    pid, _, started = named.partition(":")
    try:
        process = psutil.Process(int(pid))
        return process if f"{process.create_time():.3f}" == started else None
    except (ValueError, psutil.Error):
        return None


class CommandAwareRunLauncher(DefaultRunLauncher):
    """Launches queued runs as Dagster's default launcher does; terminates command-executed runs by interrupting
    the command."""

    def terminate(self, run_id: str) -> bool:
        run = self._instance.get_run_by_id(run_id) if self.has_instance else None
        if run is None or run.is_finished or EXECUTED_BY not in run.tags:
            return super().terminate(run_id)
        named, _, host = run.tags[EXECUTED_BY].rpartition("@")
        if host != socket.gethostname():
            self._instance.report_engine_event(f"this run is executed on {host}: stop it there", dagster_run=run,
                                               cls=type(self))
            return False
        self._instance.report_run_canceling(run)
        process = _executing(named)
        if process is None:
            self._instance.report_run_canceled(run, message="the command executing this run had already ended")
            # A push it was making holds its target's pool until now: the next push to that target may go.
            self._instance.event_log_storage.free_concurrency_slots_for_run(run_id)
            return True
        process.send_signal(signal.SIGINT)
        return True
