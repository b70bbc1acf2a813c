"""`hubei-data ui` serves the Dagster UI behind the login, and a stopped or killed `ui` leaves nothing running."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx
import psutil
import pytest

from tests.people import PASSWORD, TOKEN_VARIABLE
from tests.polling import wait_for

CLI = str(Path(sys.executable).parent / "hubei-data")
# Run in a process of its own, so that the warehouse it starts stops when it ends, before `ui` starts it again.
PEOPLE = """
from hubei_data import warehouse
from hubei_data.control import schema
from tests.people import person, token

info = warehouse.connect_info()
schema.upgrade(info)
print(person(info, "viewer"))
print(token(info, "operator"))
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _status(client: httpx.Client, path: str) -> int | None:
    try:
        return client.get(path).status_code
    except httpx.TransportError:
        return None


@pytest.mark.parametrize("ending", [signal.SIGTERM, signal.SIGKILL])
def test_a_stopped_ui_takes_its_servers_and_the_warehouse_with_it(ending):
    data_dir = Path(tempfile.mkdtemp(prefix="hdu"))
    env = {**os.environ, "HUBEI_DATA_DIR": str(data_dir)}
    made = subprocess.run([sys.executable, "-c", PEOPLE], env=env, capture_output=True, text=True, check=True,
                          cwd=Path(__file__).parents[1])
    viewer, token = made.stdout.split()[-2:]
    port = _free_port()
    # Started as `hubei-data ui &` from a script would be: with SIGINT ignored.
    ui = subprocess.Popen([CLI, "ui", "--port", str(port)], env={**env, TOKEN_VARIABLE: token},
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                          preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, headers={"Origin": base}, timeout=10) as browser:
            wait_for(lambda: _status(browser, "/server_info") == 401, 60, "the login to guard the UI", 0.5)
            login = browser.post("/platform/login", data={"username": viewer, "password": PASSWORD})
            assert login.status_code == 303
            wait_for(lambda: _status(browser, "/server_info") == 200, 180, "the Dagster UI to answer", 0.5)
        family = psutil.Process(ui.pid).children(recursive=True)
        assert family, "the UI runs in child processes"
        ui.send_signal(ending)
        ui.wait(timeout=60)
        # A code server the webserver started stops when the webserver asks, which it hears only once it has
        # loaded the definitions; on two busy cores that can take over a minute.
        _, alive = psutil.wait_procs(family, timeout=150)
        assert alive == []
        wait_for(lambda: not (data_dir / "pg" / "postmaster.pid").exists(), 30, "the warehouse to stop")
    finally:
        if ui.poll() is None:
            ui.kill()
        shutil.rmtree(data_dir, ignore_errors=True)
