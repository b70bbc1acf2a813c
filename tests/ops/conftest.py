"""Fixtures of the operations tests: a warehouse worth backing up and backup settings; a real SMTP server, a
real webhook receiver, and a watched warehouse of a test's own."""

import json
import socket
import threading
from dataclasses import dataclass
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import psycopg
import pytest

from hubei_data.control import audit_trail
from hubei_data.control.audit_chain import Action, Outcome
from hubei_data.ops.settings import BackupSettings, bundled_programs
from tests.ops.backup_setup import DATA


@pytest.fixture
def warehouse_with_data(migrated_database):
    """A migrated database with rows in raw, landing, the platform's own tables and the audit trail."""
    info = migrated_database("backup")
    with psycopg.connect(info.url, autocommit=True) as conn:
        conn.execute(DATA)
        audit_trail.append(conn, "tests", "tests", Action.CONFIG_CHANGE, "setting", Outcome.SUCCESS, {"n": 1})
    return info


@pytest.fixture
def settings(tmp_path) -> BackupSettings:
    return BackupSettings(directory=tmp_path / "backups", programs=bundled_programs())


@pytest.fixture
def smtp_server(monkeypatch):
    """aiosmtpd on a free port; its `.mails` are the messages received, parsed; HUBEI_DATA_SMTP_* point at it."""
    from aiosmtpd.controller import Controller

    class Inbox:
        def __init__(self):
            self.mails = []

        async def handle_DATA(self, server, session, envelope):
            self.mails.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
            return "250 OK"

    inbox = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        inbox.port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port)
    controller.start()
    monkeypatch.setenv("HUBEI_DATA_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("HUBEI_DATA_SMTP_PORT", str(inbox.port))
    yield inbox
    controller.stop()


@pytest.fixture
def webhook():
    """A robot webhook on loopback: `.received` bodies; set `.answer` to (status, body) to make it refuse."""

    class Robot(BaseHTTPRequestHandler):
        def do_POST(self):
            robot.received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            status, body = robot.answer
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(json.dumps(body).encode())

        def log_message(self, *args):
            pass

    robot = ThreadingHTTPServer(("127.0.0.1", 0), Robot)
    robot.received, robot.answer = [], (200, {"errcode": 0, "errmsg": "ok"})
    robot.url = f"http://127.0.0.1:{robot.server_address[1]}/cgi-bin/webhook/send?key=test"
    threading.Thread(target=robot.serve_forever, daemon=True).start()
    yield robot
    robot.shutdown()
    robot.server_close()


@pytest.fixture
def watched(migrated_database, use_warehouse, tmp_path, monkeypatch):
    """A migrated warehouse in use, a contacts file of its own, no endpoint of the environment probed."""
    info = migrated_database("ops")
    use_warehouse(info)
    monkeypatch.setenv("HUBEI_DATA_CONTACTS", str(tmp_path / "contacts.yaml"))
    for name in ("HUBEI_DATA_SOURCE_URL", "HUBEI_DATA_BUREAU_URL", "HUBEI_DATA_API_URL",
                 "HUBEI_DATA_TARGET_YIBAO_URL", "HUBEI_DATA_TARGET_GONGAN_URL"):
        monkeypatch.delenv(name, raising=False)
    return Watched(info.url, tmp_path / "contacts.yaml")


@dataclass(frozen=True)
class Watched:
    url: str
    contacts: Path

    def connect(self) -> psycopg.Connection:
        return psycopg.connect(self.url, autocommit=True)
