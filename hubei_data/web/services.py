"""The Dagster daemon and the private Dagster webserver: children of the web process that end with it."""

import os
import sys
from pathlib import Path

from hubei_data import warehouse
from hubei_data.attached import Service, ServiceError

WORKSPACE = Path(__file__).resolve().parents[2] / "workspace.yaml"
# A Unix socket's path must fit in sun_path (108 bytes on Linux, 104 elsewhere).
MAX_SOCKET_PATH = 100


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
