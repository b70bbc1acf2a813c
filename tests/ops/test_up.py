"""`hubei-data up` runs the web process, the Dagster daemon, the watcher and the data API, and stops them all;
while it runs, a front-end database that stops is mailed about within a probe interval, and again when it is back."""

import os
import re
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


INTERVAL = 5
# What the watcher says after each pass.
PASS = re.compile(r"^\d\d:\d\d:\d\d \d+ samples", re.MULTILINE)


def test_up_runs_every_service_watches_a_target_and_sigterm_stops_them_all_and_the_warehouse(smtp_server, mariadb):
    data_dir = Path(tempfile.mkdtemp(prefix="hdup"))
    contacts = data_dir / "contacts.yaml"
    contacts.write_text("运维组:\n  emails: [ops@hubei.example]\n", encoding="utf-8")
    env = {**{name: value for name, value in os.environ.items() if not name.startswith("HUBEI_DATA_TARGET_")},
           "HUBEI_DATA_DIR": str(data_dir), KEY_VARIABLE: new_key(), "HUBEI_DATA_CONTACTS": str(contacts),
           "HUBEI_DATA_TARGET_YIBAO_URL": mariadb.database("watched_by_up")}
    made = subprocess.run([sys.executable, "-c", SHARE_LIBRARY], env=env, capture_output=True, text=True, check=True,
                          cwd=Path(__file__).parents[1])
    env[TOKEN_VARIABLE] = made.stdout.split()[-1]
    port, api_port = _free_port(), _free_port()
    said = data_dir / "up.log"
    up = subprocess.Popen([CLI, "up", "--port", str(port), "--api-port", str(api_port), "--watch-interval", str(INTERVAL)],
                          env=env, stdout=said.open("w"), stderr=subprocess.STDOUT)
    try:
        with httpx.Client(timeout=10) as client:
            wait_for(lambda: _status(client, f"http://127.0.0.1:{port}/platform/login") == 200, 120,
                     "the web process to answer", 0.5)
            wait_for(lambda: _status(client, f"http://127.0.0.1:{api_port}/health") == 200, 60,
                     "the data API to answer", 0.5)
        # Read from the log rather than by starting `status` again and again, which would slow the services it waits on.
        wait_for(lambda: PASS.search(said.read_text()), 60, "the watcher's first pass", 0.2)
        assert "probes as of" in subprocess.run([CLI, "status"], env=env, capture_output=True, text=True).stdout
        _target_stops_and_comes_back(mariadb, smtp_server)
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


def _target_stops_and_comes_back(mariadb, smtp_server) -> None:
    """The watcher under `up` mails operations when the target stops, and mails again once it is back."""

    def mailed(kind: str):
        return [mail for to, mail in smtp_server.mails
                if mail["Subject"].startswith(f"[{kind}] 湖北省医疗保障局前置库不可达") and to == ["ops@hubei.example"]]

    # A pass that starts as the server stops may not see it yet: the next one does, one interval later.
    bound = 2 * INTERVAL + 20
    mariadb.stop()
    try:
        wait_for(lambda: mailed("告警"), bound, "the mail saying the target is down", 0.2)
    finally:
        mariadb.start()
    wait_for(lambda: mailed("恢复"), bound, "the mail saying the target is back", 0.2)
    assert len(mailed("告警")) == 1


def _command(process: psutil.Process) -> list[str]:
    try:
        return process.cmdline()
    except psutil.Error:
        return []
