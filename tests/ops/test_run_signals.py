"""A run started from a process whose SIGINT is ignored (a command started in the background) leaves SIGTERM as it
found it, so the process and what it starts afterwards still stop when told to."""

import signal

import dagster as dg

from hubei_data import runner


@dg.op
def _nothing() -> None:
    """A step that does nothing: the run, not the work, is what is tested."""


@dg.job
def signal_probe_job():
    _nothing()


def test_a_run_in_a_process_ignoring_sigint_leaves_sigterm_stoppable(warehouse, monkeypatch):
    monkeypatch.setattr(runner, "job_named", lambda name: signal_probe_job)
    before = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        terminate = signal.getsignal(signal.SIGTERM)
        assert runner.run_job("signal_probe_job").success
        assert signal.getsignal(signal.SIGTERM) == terminate != signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, before)
