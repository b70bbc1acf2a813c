"""`hubei-data up` runs the web process, the Dagster daemon, the watcher and the data API, and stops them all."""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx
import psutil

from hubei_data.api.vault import KEY_VARIABLE, new_key
from tests.people import TOKEN_VARIABLE
from tests.polling import wait_for
from tests.test_ui import CLI, PEOPLE, _free_port, _status

# The share library as a build leaves it, so the data API has something to serve.
SHARE_LIBRARY = PEOPLE + """
import psycopg
from tests.share_library import create_empty_share_library

with psycopg.connect(info.url, autocommit=True) as conn:
    create_empty_share_library(conn)
"""


def test_up_runs_every_service_and_sigterm_stops_them_all_and_the_warehouse():
    data_dir = Path(tempfile.mkdtemp(prefix="hdup"))
    env = {**os.environ, "HUBEI_DATA_DIR": str(data_dir), KEY_VARIABLE: new_key()}
    made = subprocess.run([sys.executable, "-c", SHARE_LIBRARY], env=env, capture_output=True, text=True, check=True,
                          cwd=Path(__file__).parents[1])
    env[TOKEN_VARIABLE] = made.stdout.split()[-1]
    port, api_port = _free_port(), _free_port()
    said = data_dir / "up.log"
    up = subprocess.Popen([CLI, "up", "--port", str(port), "--api-port", str(api_port), "--watch-interval", "5"],
                          env=env, stdout=said.open("w"), stderr=subprocess.STDOUT)
    try:
        with httpx.Client(timeout=10) as client:
            wait_for(lambda: _status(client, f"http://127.0.0.1:{port}/platform/login") == 200, 120,
                     "the web process to answer", 0.5)
            wait_for(lambda: _status(client, f"http://127.0.0.1:{api_port}/health") == 200, 60,
                     "the data API to answer", 0.5)
        wait_for(lambda: "probes as of" in subprocess.run([CLI, "status"], env=env, capture_output=True,
                                                          text=True).stdout, 60, "the watcher's first pass", 1)
        family = psutil.Process(up.pid).children(recursive=True)
        assert {" ".join(_command(p)[1:3]) for p in family} >= {f"{CLI} ui", f"{CLI} watch", f"{CLI} serve"}
        up.send_signal(signal.SIGTERM)
        assert up.wait(timeout=90) == 0
        _, alive = psutil.wait_procs(family, timeout=60)
        assert alive == []
        wait_for(lambda: not (data_dir / "pg" / "postmaster.pid").exists(), 30, "the warehouse to stop")
        assert said.read_text().rstrip().endswith("stopped")
    finally:
        if up.poll() is None:
            up.kill()
        shutil.rmtree(data_dir, ignore_errors=True)


def _command(process: psutil.Process) -> list[str]:
    try:
        return process.cmdline()
    except psutil.Error:
        return []
