"""Shared fixtures: the embedded PostgreSQL (or HUBEI_DATA_DATABASE_URL), bureau simulators, a MariaDB, a tiny
filesystem that fills up, the CJK font charts draw with."""

import compileall
import gc
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from hubei_data import embedded, runner
from hubei_data import warehouse as warehouse_module
from hubei_data.control import schema
from hubei_data.reports import fonts
from tests.debian import installed_file
from tests.share_library import create_empty_share_library

# Logins the tests make are kept in a folder of their own, and no token of the person running them is used.
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="hdconfig")
os.environ.pop("HUBEI_DATA_TOKEN", None)


def pytest_sessionstart(session) -> None:
    """Compile the project's modules once: where PYTHONDONTWRITEBYTECODE is set, every CLI, dbt and Dagster
    process the tests start would otherwise compile each module it imports again."""
    compileall.compile_dir(Path(__file__).parent.parent / "hubei_data", quiet=1)


@pytest.fixture(scope="session", autouse=True)
def cjk_font() -> Path:
    """Debian's Noto CJK, installed when missing, as a user's machine would have it: reports, the portal's metric
    pages and the browser tests all draw Chinese with it, in whatever order a worker runs them."""
    return installed_file(fonts.REGULAR, fonts.PACKAGE)


# The dispositions every test starts and ends with: SIGINT as the worker started, SIGTERM the default, even where
# the worker inherited it ignored, because tests stop the processes they start with SIGTERM.
_TEST_SIGNALS = {signal.SIGTERM: signal.SIG_DFL, signal.SIGINT: signal.getsignal(signal.SIGINT)}


@pytest.fixture(autouse=True)
def _signals_as_tests_expect():
    """Dagster runs in-process point SIGTERM at SIGINT's disposition, which is "ignored" in a worker started in the
    background: every later child of the worker would then ignore SIGTERM, and a test terminating one would wait
    for it to end by itself. Runs in session and module fixtures come before this fixture, so it sets the
    dispositions before each test as well as after (the platform's own runs put them back, runner.signals_kept)."""
    for sig, handler in _TEST_SIGNALS.items():
        signal.signal(sig, handler)
    yield
    for sig, handler in _TEST_SIGNALS.items():
        signal.signal(sig, handler)


@pytest.fixture(scope="session")
def warehouse() -> warehouse_module.ConnectInfo:
    """A warehouse for the session, migrated as `demo` leaves it, with the data directory in a short
    temporary path, removed afterwards.

    Unix socket paths are limited to about 100 characters, so the directory lives under /tmp.
    """
    directory = tempfile.mkdtemp(prefix="hd")
    os.environ[warehouse_module.DIR_VARIABLE] = directory
    warehouse_module.connect_info.cache_clear()
    info = warehouse_module.connect_info()
    schema.upgrade(info)
    yield info
    embedded.release()
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="session")
def database_template(warehouse):
    """`database_template(kind, prepare)`: the name of a database `prepare` made ready once in this test process,
    for the tests that each want one like it to take a copy (`fresh_database(prefix, like=...)`); dropped at the
    end of the session."""
    made: dict[str, str] = {}

    def template(kind: str, prepare) -> str:
        if kind not in made:
            name = f"template_{kind}_{uuid.uuid4().hex[:8]}"
            prepare(warehouse_module.create_database(name))
            made[kind] = name
        return made[kind]

    yield template
    for name in made.values():
        warehouse_module.drop_database(name)


@pytest.fixture
def fresh_database(warehouse):
    """Make databases of their own on the test server (`fresh_database("prefix")`, or a copy of a template with
    `like=`), owned by the platform's owner role; dropped after the test."""
    made = []

    def make(prefix: str, like: str | None = None) -> warehouse_module.ConnectInfo:
        made.append(f"{prefix}_{uuid.uuid4().hex[:8]}")
        return warehouse_module.create_database(made[-1], template=like)

    yield make
    for name in made:
        warehouse_module.drop_database(name)


@pytest.fixture
def migrated_database(fresh_database, database_template):
    """Fresh databases (`migrated_database("prefix")`) at this release's schema revision, as `demo` or
    `hubei-data db upgrade` leaves a warehouse: copies of one migrated once."""

    def make(prefix: str) -> warehouse_module.ConnectInfo:
        return fresh_database(prefix, like=database_template("migrated", schema.upgrade))

    return make


def _forget_instance() -> None:
    """Drop this process's Dagster instance; collecting it closes the storage connections it pools."""
    runner.instance.cache_clear()
    gc.collect()


@pytest.fixture
def use_warehouse():
    """Point this process's warehouse at another database (`use_warehouse(info_or_url)`) for one test."""
    before = os.environ.get(warehouse_module.URL_VARIABLE)

    def use(target) -> None:
        os.environ[warehouse_module.URL_VARIABLE] = target if isinstance(target, str) else target.url
        warehouse_module.connect_info.cache_clear()
        _forget_instance()

    yield use
    if before is None:
        os.environ.pop(warehouse_module.URL_VARIABLE, None)
    else:
        os.environ[warehouse_module.URL_VARIABLE] = before
    warehouse_module.connect_info.cache_clear()
    _forget_instance()


@pytest.fixture
def tiny_filesystem(tmp_path):
    """`tiny_filesystem(kilobytes)`: a folder on a tmpfs of that size, so writing past it fails with ENOSPC."""
    mounted = []

    def mount(kilobytes: int):
        folder = tmp_path / f"tmpfs{len(mounted)}"
        folder.mkdir()
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={kilobytes}k", "tmpfs", str(folder)],
                              capture_output=True, text=True)
        if done.returncode:
            pytest.skip(f"cannot mount a tmpfs to fill up (needs root): {done.stderr.strip()}")
        mounted.append(folder)
        return folder

    yield mount
    for folder in mounted:
        subprocess.run(["umount", str(folder)], check=True)


def _share_library(info: warehouse_module.ConnectInfo) -> None:
    with psycopg.connect(info.url, autocommit=True) as conn:
        create_empty_share_library(conn)
    schema.upgrade(info)


@pytest.fixture
def share_db(fresh_database, database_template):
    """A migrated database with every share table, empty, and the masking functions; its connection settings."""
    return fresh_database("share", like=database_template("share", _share_library))


@dataclass
class RunningBureau:
    """A bureau simulator serving on loopback, and the key and secret it issued."""

    url: str
    state: object
    app_key: str = "hubei-test"
    secret: str = "test-secret-not-for-production"

    def client(self, timeout_seconds: float = 10.0):
        from hubei_data.exchange.bureau import HttpBureau

        return HttpBureau(self.url, self.app_key, self.secret, timeout_seconds)


@pytest.fixture
def bureau_server(tmp_path):
    """Start real bureau simulators on free loopback ports: call with faults, get a RunningBureau."""
    from hubei_data.bureau_sim.faults import Faults
    from hubei_data.bureau_sim.server import make_server

    servers = []

    def start(faults: Faults = Faults(), seed: int = 7) -> RunningBureau:
        keys = {RunningBureau.app_key: RunningBureau.secret}
        server = make_server("127.0.0.1", 0, tmp_path / f"bureau{len(servers)}", keys, faults, seed)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return RunningBureau(f"http://127.0.0.1:{server.server_address[1]}", server.RequestHandlerClass.state)

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


class MariaDB:
    """A private MariaDB server for front-end database tests, installed from Debian's packages if missing."""

    def __init__(self, root):
        self.root = root
        self.socket = root / "mysqld.sock"
        self.process = None

    @staticmethod
    def install() -> str:
        """The server program, installed from Debian's packages when missing."""
        from tests.debian import program

        return program("mariadbd", "mariadb-server")

    def initialise(self) -> None:
        import subprocess

        self.daemon = self.install()
        subprocess.run(
            ["mariadb-install-db", "--no-defaults", f"--datadir={self.root / 'data'}", "--user=root",
             "--auth-root-authentication-method=normal", "--skip-test-db"],
            capture_output=True, check=True,
        )

    def start(self) -> None:
        import subprocess
        import time

        self.process = subprocess.Popen(
            [self.daemon, "--no-defaults", f"--datadir={self.root / 'data'}", f"--socket={self.socket}",
             "--skip-networking", "--user=root", f"--log-error={self.root / 'error.log'}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        import pymysql

        for _ in range(200):
            try:
                pymysql.connect(unix_socket=str(self.socket), user="root").close()
                return
            except pymysql.err.OperationalError:
                time.sleep(0.05)
        raise RuntimeError(f"MariaDB did not start: see {self.root / 'error.log'}")

    def stop(self, kill: bool = False) -> None:
        import signal

        if self.process:
            self.process.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
            self.process.wait()
            self.process = None

    def database(self, name: str) -> str:
        import pymysql

        with pymysql.connect(unix_socket=str(self.socket), user="root") as conn:
            conn.cursor().execute(f"create database if not exists `{name}` character set utf8mb4")
        return f"mysql+pymysql://root@localhost/{name}?unix_socket={self.socket}&charset=utf8mb4"


@pytest.fixture(scope="session")
def mariadb():
    """A running private MariaDB; tests may stop and start it."""
    root = Path(tempfile.mkdtemp(prefix="hdm"))
    server = MariaDB(root)
    server.initialise()
    server.start()
    yield server
    server.stop()
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def demo(warehouse):
    """`hubei-data demo` in a data directory of its own, once per module: other tests leave landed rows and files
    in the shared one. Yields the demo's output and the row counts it left."""
    from tests.demo_run import counts, run

    shared = os.environ[warehouse_module.DIR_VARIABLE]
    own = tempfile.mkdtemp(prefix="hde")
    os.environ[warehouse_module.DIR_VARIABLE] = own
    warehouse_module.connect_info.cache_clear()
    try:
        result = run("demo", "--as-of", "2026-10-31")
        yield result, counts()
    finally:
        embedded.release(Path(own) / "pg")
        shutil.rmtree(own, ignore_errors=True)
        os.environ[warehouse_module.DIR_VARIABLE] = shared
        warehouse_module.connect_info.cache_clear()
