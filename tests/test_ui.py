"""`hubei-data ui` starts the Dagster UI and daemon, and a stopped or killed `ui` leaves nothing running."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import psutil
import pytest
import requests

from tests.polling import wait_for

CLI = str(Path(sys.executable).parent / "hubei-data")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


@pytest.mark.parametrize("ending", [signal.SIGTERM, signal.SIGKILL])
def test_a_stopped_ui_takes_its_servers_and_the_warehouse_with_it(ending):
    data_dir = Path(tempfile.mkdtemp(prefix="hdu"))
    port = _free_port()
    # Started as `hubei-data ui &` from a script would be: with SIGINT ignored.
    ui = subprocess.Popen([CLI, "ui", "--port", str(port)], env={**os.environ, "HUBEI_DATA_DIR": str(data_dir)},
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                          preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    try:
        wait_for(lambda: _answers(f"http://127.0.0.1:{port}/server_info"), 180, "the Dagster UI to answer", 0.5)
        family = psutil.Process(ui.pid).children(recursive=True)
        assert family, "the UI runs in child processes"
        ui.send_signal(ending)
        ui.wait(timeout=60)
        _, alive = psutil.wait_procs(family, timeout=60)
        assert alive == []
        wait_for(lambda: not (data_dir / "pg" / "postmaster.pid").exists(), 30, "the warehouse to stop")
    finally:
        if ui.poll() is None:
            ui.kill()
        shutil.rmtree(data_dir, ignore_errors=True)
