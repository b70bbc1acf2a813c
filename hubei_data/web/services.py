"""The Dagster daemon and the private Dagster webserver: children of the web process that end with it."""

import os
import signal
import subprocess
import sys
import time
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from hubei_data import attached, warehouse

WORKSPACE = Path(__file__).resolve().parents[2] / "workspace.yaml"
# A Unix socket's path must fit in sun_path (108 bytes on Linux, 104 elsewhere).
MAX_SOCKET_PATH = 100
STOP_SECONDS = 30


class ServiceError(RuntimeError):
    """A service cannot be started, or stopped while the web process ran."""


@dataclass(frozen=True)
class Service:
    name: str
    command: tuple[str, ...]


def socket_path() -> Path:
    """Where the Dagster webserver listens: a socket in `<data dir>/web`, a directory only this user may enter,
    so no one reaches Dagster except through the web process and its login."""
    directory = warehouse.data_dir() / "web"
    directory.mkdir(mode=0o700, exist_ok=True)
    directory.chmod(0o700)
    path = directory / "dagster.sock"
    if len(os.fsencode(path)) > MAX_SOCKET_PATH:
        raise ServiceError(f"{path} is too long for a Unix socket: give HUBEI_DATA_DIR a shorter path")
    return path


def dagster_services(socket: Path) -> tuple[Service, ...]:
    return (
        Service("the Dagster webserver",
                (sys.executable, "-m", "hubei_data.web.dagster_webserver", str(socket), str(WORKSPACE))),
        Service("the Dagster daemon", (str(Path(sys.executable).parent / "dagster-daemon"), "run", "-w", str(WORKSPACE))),
    )


class Supervisor:
    """Runs services as children, each in a process group of its own, so that one SIGTERM from here (not the
    terminal's Ctrl-C as well) stops each, and a child killed past its time takes its own children along."""

    def __init__(self, services: tuple[Service, ...]):
        self.services = services
        self.children: list[tuple[Service, subprocess.Popen]] = []

    def start(self) -> None:
        """Start every service. Call from the main thread: a child dies with the thread that started it."""
        for service in self.services:
            child = subprocess.Popen(service.command, env=os.environ.copy(), preexec_fn=attached.die_with_parent,
                                     process_group=0)
            self.children.append((service, child))

    def ended(self) -> str | None:
        """What a service that has ended on its own says of itself; None while all run."""
        for service, child in self.children:
            if child.poll() is not None:
                return f"{service.name} stopped (exit code {child.returncode})"
        return None

    def stop(self) -> None:
        """Stop every service and wait for it; kill a service and its children once STOP_SECONDS have passed."""
        for _, child in self.children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_SECONDS
        for _, child in self.children:
            try:
                child.wait(max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                with suppress(ProcessLookupError):
                    os.killpg(child.pid, signal.SIGKILL)
                child.wait()
