"""Long-lived children (servers, daemons) that end with the process that started them, even when it is
killed outright.

Each child gets SIGTERM from the kernel when its parent dies (Linux's parent-death signal), so no
server is left orphaned, holding ports and the warehouse.
"""

import ctypes
import os
import signal
import subprocess
import sys
import time
from contextlib import suppress
from dataclasses import dataclass

import psutil

_PR_SET_PDEATHSIG = 1
STOP_SECONDS = 30


class ServiceError(RuntimeError):
    """A service cannot be started, or stopped on its own while the process that started it ran."""


@dataclass(frozen=True)
class Service:
    name: str
    command: tuple[str, ...]


def die_with_parent() -> None:
    """In the child, before it runs: end with the parent; and hear SIGINT even when started in the
    background, where a shell ignores it (Dagster's servers stop through their SIGINT handlers)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


class Supervisor:
    """Runs services as children, each in a process group of its own, so that one SIGTERM from here (not the
    terminal's Ctrl-C as well) stops each, and a child killed past its time takes its own children along."""

    def __init__(self, services: tuple[Service, ...]):
        self.services = services
        self.children: list[tuple[Service, subprocess.Popen]] = []

    def start(self) -> None:
        """Start every service. Call from the main thread: a child dies with the thread that started it."""
        for service in self.services:
            child = subprocess.Popen(service.command, env=os.environ.copy(), preexec_fn=die_with_parent,
                                     process_group=0)
            self.children.append((service, child))

    def ended(self) -> str | None:
        """What a service that has ended on its own says of itself; None while all run."""
        for service, child in self.children:
            if child.poll() is not None:
                return f"{service.name} stopped (exit code {child.returncode})"
        return None

    def stop(self) -> None:
        """Stop every service and wait for it and every process it started, so that nothing of it is left
        (nor still writing to the log) once this returns.

        SIGINT, not SIGTERM: Dagster's daemon stops the code servers it started only on SIGINT. A service
        still running after STOP_SECONDS is killed, its group with it; so is any process it started in a
        session of its own that outlives that.
        """
        family = [process for _, child in self.children for process in _descendants(child.pid)]
        for _, child in self.children:
            if child.poll() is None:
                child.send_signal(signal.SIGINT)
        deadline = time.monotonic() + STOP_SECONDS
        for _, child in self.children:
            try:
                child.wait(max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                pass
            with suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGKILL)
            child.wait()
        _, alive = psutil.wait_procs(family, timeout=max(deadline - time.monotonic(), 1))
        for process in alive:
            with suppress(psutil.Error):
                process.kill()
        psutil.wait_procs(alive, timeout=5)


def _descendants(pid: int) -> list[psutil.Process]:
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        return []
