"""Children that end with the process that started them, even when it is killed outright.

A child started with `die_with_parent` as its `preexec_fn` gets SIGTERM from the kernel when its
parent dies (Linux's parent-death signal), so no server is left orphaned, holding ports and the
warehouse.
"""

import ctypes
import signal
import sys

_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """In the child, before it runs: end with the parent; and hear SIGINT even when started in the
    background, where a shell ignores it (Dagster's servers stop through their SIGINT handlers)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
