"""Runs jobs for the command line: Dagster's log one line per event, and a failed run told in one line."""

import contextlib
import io
import sys

import click
import dagster as dg

from hubei_data import runner
from hubei_data.cli.unexpected import error_line, first_line

# How Dagster's console logger (named "dagster") marks its records.
_DAGSTER_RECORD = " - dagster - "
_RESET_COLOUR = "\x1b[0m"


class RunFailed(click.ClickException):
    """One or more runs that failed: where each full log is, then every cause in one line."""

    def __init__(self, failures: list[tuple[str, str]]):
        super().__init__("; ".join(cause for cause, _ in failures))
        self.run_ids = [run_id for _, run_id in failures]

    def show(self, file=None) -> None:
        for run_id in self.run_ids:
            click.echo(f"full log: `hubei-data ui` → Runs → {run_id}", err=True)
        super().show(file)


class OneLinePerEvent(io.TextIOBase):
    """Stands in for stderr while a run logs to the console.

    Dagster appends the whole traceback of a failure to its log line; here each of its
    records keeps its first line, and the traceback stays in the run's event log.
    """

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> int:
        head, gap, _ = text.partition("\n\n")
        if gap and _DAGSTER_RECORD in head:
            self._stream.write(head + (_RESET_COLOUR if "\x1b[" in head else "") + "\n")
        else:
            self._stream.write(text)
        return len(text)

    def flush(self) -> None:
        self._stream.flush()

    def isatty(self) -> bool:
        return self._stream.isatty()

    def fileno(self) -> int:
        return self._stream.fileno()

    @property
    def encoding(self) -> str:
        return self._stream.encoding


def run(name: str, tags: dict[str, str] | None = None, **kwargs) -> dg.ExecuteInProcessResult:
    """`runner.run_job` for the person the command acts as, its console log one line per event."""
    from hubei_data.cli.gate import acting_username
    from hubei_data.ops.run_launcher import LAUNCHED_BY

    who = acting_username()
    with contextlib.redirect_stderr(OneLinePerEvent(sys.stderr)):
        return runner.run_job(name, tags={**(tags or {}), **({LAUNCHED_BY: who} if who else {})}, **kwargs)


def cause(result: dg.ExecuteInProcessResult, name_step: bool = False) -> str:
    """The failed run's root cause in one line: what our code raised in the first failing step, or that it was
    terminated."""
    if any(event.event_type == dg.DagsterEventType.RUN_CANCELED for event in result.all_events):
        return "the run was terminated (from the UI or `hubei-data runs terminate`)"
    failures = [e for e in result.all_events if e.is_step_failure]
    events = failures or [e for e in result.all_events if e.event_type == dg.DagsterEventType.RUN_FAILURE]
    error = getattr(events[0].event_specific_data, "error", None) if events else None
    if error is None:
        return first_line(events[0].message or "") if events else "the run failed"
    # Dagster wraps what the step raised in its own errors; the cause is what the user can act on.
    while error.cause is not None and error.cls_name.startswith("Dagster"):
        error = error.cause
    qualified, _, message = error.message.partition(": ")
    if not qualified.strip().endswith(error.cls_name):
        qualified, message = "", error.message
    line = error_line(error.cls_name, qualified.strip(), message)
    step = f"step {events[0].step_key}: " if name_step and events[0].step_key else ""
    others = len(failures) - 1
    more = f" (and {others} more failed step{'s' if others > 1 else ''})" if others else ""
    return step + line + more


def failure(result: dg.ExecuteInProcessResult, what: str, name_step: bool = False) -> tuple[str, str]:
    """(what: cause, run id) of a failed run, as RunFailed takes them."""
    return f"{what}: {cause(result, name_step)}", result.run_id
