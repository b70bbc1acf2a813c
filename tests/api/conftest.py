"""A real data API service on loopback over a share database of its own, and a signing client."""

import datetime as dt
import json
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg
import pytest
import requests

from hubei_data import roles, signing
from hubei_data.api import store
from hubei_data.api.app import Settings, create_app
from hubei_data.api.spec import load_apis
from hubei_data.api.vault import KEY_VARIABLE, Vault, new_key
from hubei_data.control.audit_trail import Actor
from tests import people
from tests.polling import wait_for
from tests.serving import serving

AUTO = "the token of the role the route needs"
TESTS = Actor("tests", "tests")
CHILD = ("110101202301010016", "A123456789", "欧阳小明")


@dataclass
class Consumer:
    """A consumer's key and secret; signs and sends requests as a consumer would."""

    base: str
    app_key: str
    secret: str

    def post(self, path: str, body, headers: dict | None = None, raw: bytes | None = None) -> requests.Response:
        data = raw if raw is not None else json.dumps(body, ensure_ascii=False).encode()
        return requests.post(self.base + path, data=data, timeout=10, headers={**self.signed(path, data), **(headers or {})})

    def signed(self, path: str, data: bytes) -> dict:
        """The headers of a POST of these bytes, signed, as JSON."""
        return {**signing.sign(self.app_key, self.secret, "POST", path, data), "Content-Type": "application/json"}


@dataclass
class Service:
    base: str
    url: str
    vault: Vault
    app: object
    settings: Settings

    def connect(self) -> psycopg.Connection:
        return psycopg.connect(self.url)

    def consumer(self, name: str = "省公安厅户籍管理") -> Consumer:
        with self.connect() as conn:
            app_key, secret = store.create_consumer(conn, self.vault, name, "省公安厅", TESTS)
        wait_for(lambda: self.known(app_key), what="the service to hear of the new consumer")
        return Consumer(self.base, app_key, secret)

    def known(self, app_key: str) -> bool:
        return self.app.state.book.secrets.get(app_key) is not None

    def grant(self, consumer: Consumer, api: str, **approval) -> int:
        """Apply and approve, as consumer and administrator would; waits until the service has it."""
        specs = self.app.state.specs
        with self.connect() as conn:
            grant_id = store.apply(conn, consumer.app_key, api, "出生一件事联办", dt.date(2026, 1, 1), dt.date(2099, 12, 31))
            store.approve(conn, grant_id, specs[api], TESTS, **approval)
        wait_for(lambda: (consumer.app_key, api) in self.app.state.book.grants, what="the service to hear of the grant")
        return grant_id

    def admin(self, method: str, path: str, body=None, token: str | None = AUTO) -> requests.Response:
        token = self.admin_token(path) if token == AUTO else token
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return requests.request(method, self.base + path, json=body, headers=headers, timeout=10)

    def admin_token(self, path: str) -> str:
        """A token of the administrator an admin route is for: consumers the system's, grants the security's."""
        return people.token(self.url, "system_admin" if path.startswith("/admin/consumers") else "security_admin")

    def logged(self, query: str, params=()) -> list[tuple]:
        with self.connect() as conn:
            return conn.execute(query, params).fetchall()

    @contextmanager
    def another(self):
        """A second service over the same database, as after a restart: it knows only what was stored."""
        app = create_app(load_apis(), self.vault, self.settings)
        with serving(app) as base:
            yield Service(base, self.url, self.vault, app, self.settings)


def _fill(conn: psycopg.Connection) -> None:
    conn.execute(
        "insert into share.newborn_vaccination_lookup (record_id, birth_cert_no, child_id_no, child_name, sex,"
        " birth_date, vaccine_code, vaccine_name, dose_no, vaccinated_on, unit_code, division_code, _row_hash,"
        " _synced_at) values"
        " ('JZ1', %(cert)s, %(id)s, %(name)s, '男', '2023-01-01', '0201', '乙肝疫苗', 1, '2023-01-01', 'U1', '420102', 'h', now()),"
        " ('JZ2', %(cert)s, %(id)s, %(name)s, '男', '2023-01-01', '0201', '乙肝疫苗', 2, '2023-02-01', 'U1', '420102', 'h', now()),"
        " ('JZ3', 'B000000001', '420102202301020024', '王芳', '女', '2023-01-02', '0101', '卡介苗', 1, '2023-01-02', 'U2', '420103', 'h', now())",
        {"id": CHILD[0], "cert": CHILD[1], "name": CHILD[2]},
    )
    conn.execute(
        "insert into share.enterprise_basic (uscc, name, legal_rep, address, division_code, division_name,"
        " enterprise_type, established_on, status, _row_hash, _synced_at)"
        " select '9142010' || lpad(n::text, 10, '0') || 'X', '武汉第' || n || '药房', '张*', '武汉', "
        " case when n % 2 = 0 then '420102' else '420500' end, '区', '药品零售', date '2020-01-01', '存续', 'h', now()"
        " from generate_series(1, 30) n"
    )
    conn.commit()


@pytest.fixture
def child() -> tuple[str, str, str]:
    """ID number, birth certificate number and name of the child with two vaccinations."""
    return CHILD


@pytest.fixture
def service(share_db, monkeypatch):
    """The service over a filled share database, serving over real HTTP until the test ends."""
    monkeypatch.setenv(KEY_VARIABLE, new_key())
    vault = Vault()
    with psycopg.connect(share_db.url) as conn:
        _fill(conn)
    settings = Settings(share_db.url, share_db.as_role(roles.API_READER).url, statement_timeout_ms=2000)
    app = create_app(load_apis(), vault, settings)
    with serving(app) as base:
        yield Service(base, share_db.url, vault, app, settings)
