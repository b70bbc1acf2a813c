"""Child servers (the Dagster UI, dbt docs) that end with the command that started them.

A command stopped by SIGTERM passes the signal on and waits; one killed outright takes its
child with it through the kernel's parent-death signal, so no server is left orphaned,
holding ports and the warehouse.
"""

import ctypes
import signal
import subprocess
import sys

_PR_SET_PDEATHSIG = 1


def _prepare_child() -> None:
    """Die with the parent; and hear SIGINT even when started in the background, where a shell
    ignores it: Dagster's dev server stops on SIGTERM through its SIGINT handler."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def run(command: list[str], env: dict[str, str]) -> int:
    """Run a child server until it ends or this process is told to stop; its exit code."""
    child = subprocess.Popen(command, env=env, preexec_fn=_prepare_child)

    def stop(signum, _frame):
        child.send_signal(signum)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        while True:
            try:
                return child.wait()
            except KeyboardInterrupt:
                child.send_signal(signal.SIGINT)  # the child shares the terminal: let it finish its shutdown
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
