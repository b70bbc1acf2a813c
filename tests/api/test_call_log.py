"""The call log survives whatever a request holds, and the service answers no data call it cannot log."""

import logging
from contextlib import contextmanager

import psycopg
import pytest
import requests
from psycopg import sql

from hubei_data import warehouse
from tests.polling import wait_for
from tests.api.conftest import TESTS

VACCINATION = "/v1/apis/vaccination"
# Bodies a consumer may send that PostgreSQL text cannot hold as they are, or that are far too long.
HOSTILE_BODIES = {
    "NUL in a key": b'{"\\u0000": 1, "child_name": "x"}',
    "NUL in a value": b'{"child_id_no": "a\\u0000b", "child_name": "x"}',
    "NUL in a long key": b'{"' + b"\\u0000" * 2000 + b'": 1}',
    "lone surrogate key": b'{"\\ud800": 1}',
    "lone surrogate value": b'{"child_name": "\\udfff"}',
    "a key of five thousand characters": b'{"' + "钥".encode() * 5_000 + b'": 1}',
    "bytes that are not UTF-8": b'{"child_name": "\xff\xfe"}',
}


def _logged_statuses(service, app_key: str) -> list[tuple[int, str | None]]:
    return service.logged("select status, error from api.calls where app_key = %s order by call_id", (app_key,))


@pytest.mark.parametrize("body", HOSTILE_BODIES.values(), ids=HOSTILE_BODIES)
def test_a_hostile_call_is_logged_escaped_and_the_next_call_too(service, child, body):
    consumer = service.consumer()
    service.grant(consumer, "vaccination")
    hostile = consumer.post(VACCINATION, None, raw=body)
    assert hostile.status_code in (400, 422), hostile.text
    normal = consumer.post(VACCINATION, {"child_id_no": child[0], "child_name": child[2]})
    assert normal.status_code == 200
    logged = wait_for(lambda: len(_logged_statuses(service, consumer.app_key)) == 2
                      and _logged_statuses(service, consumer.app_key), what="the calls were not logged")
    assert [status for status, _ in logged] == [hostile.status_code, 200]
    assert logged[0][1] and len(logged[0][1]) <= 1000 and "\x00" not in logged[0][1]
    if b"\\u0000" in body:
        assert "\\x00" in logged[0][1]
    assert service.app.state.audit.problem is None
    assert requests.get(service.base + "/health", timeout=10).json()["status"] == "ok"


def test_a_hostile_app_key_header_is_logged_as_sent(service):
    key = "钥\x80\xff".encode() + b"\xff" * 100
    answer = requests.post(service.base + VACCINATION, data=b"{}", timeout=10,
                           headers={"X-App-Key": key, "Content-Type": "application/json"})
    assert answer.status_code == 401
    rows = wait_for(lambda: service.logged("select app_key, status from api.calls"), what="the call was not logged")
    assert rows == [(key.decode("latin-1")[:64], 401)]


def test_after_a_hostile_call_nonces_are_stored_and_a_restart_refuses_a_replay(service, child):
    consumer = service.consumer()
    service.grant(consumer, "vaccination")
    assert consumer.post(VACCINATION, None, raw=HOSTILE_BODIES["NUL in a key"]).status_code == 422
    body = f'{{"child_id_no": "{child[0]}", "child_name": "{child[2]}"}}'.encode()
    headers = consumer.signed(VACCINATION, body)
    assert requests.post(service.base + VACCINATION, data=body, headers=headers, timeout=10).status_code == 200
    wait_for(lambda: service.logged("select 1 from api.nonces where app_key = %s and nonce = %s",
                                    (consumer.app_key, headers["X-Nonce"])), what="the nonce was not stored")
    with service.another() as restarted:
        replay = requests.post(restarted.base + VACCINATION, data=body, headers=headers, timeout=10)
        assert replay.status_code == 401 and "nonce already used" in replay.json()["error"]
        fresh = requests.post(restarted.base + VACCINATION, data=body, timeout=10,
                              headers=consumer.signed(VACCINATION, body))
        assert fresh.status_code == 200


@contextmanager
def _refused_rows(service, table: str):
    """The database refuses every new row of the table, as a full disk or a broken table would."""
    alter = sql.SQL("alter table api.{} {}")
    with service.connect() as conn:
        conn.execute(alter.format(sql.Identifier(table), sql.SQL("add constraint refuse_all check (false) not valid")))
        conn.commit()
    try:
        yield
    finally:
        with service.connect() as conn:
            conn.execute(alter.format(sql.Identifier(table), sql.SQL("drop constraint refuse_all")))
            conn.commit()


@contextmanager
def _unreachable(service):
    """No one may connect to the service's database, and every connection it had is cut."""
    name = psycopg.conninfo.conninfo_to_dict(service.url)["dbname"]
    with psycopg.connect(warehouse.superuser_info().url, autocommit=True) as admin:
        admin.execute(sql.SQL("alter database {} allow_connections false").format(sql.Identifier(name)))
        admin.execute("select pg_terminate_backend(pid) from pg_stat_activity where datname = %s", (name,))
        try:
            yield
        finally:
            admin.execute(sql.SQL("alter database {} allow_connections true").format(sql.Identifier(name)))


FAILURES = {
    "calls refused": lambda service: _refused_rows(service, "calls"),
    "nonces refused": lambda service: _refused_rows(service, "nonces"),
    "database unreachable": _unreachable,
}


@pytest.mark.parametrize("failure", FAILURES.values(), ids=FAILURES)
def test_while_calls_cannot_be_logged_data_calls_get_503_then_the_service_recovers(service, child, caplog, failure):
    consumer = service.consumer()
    service.grant(consumer, "vaccination")
    query = {"child_id_no": child[0], "child_name": child[2]}
    health = service.base + "/health"
    with failure(service):
        consumer.post(VACCINATION, query)  # whatever it answers, its row and nonce now wait to be written
        wait_for(lambda: any("call log" in p for p in requests.get(health, timeout=10).json().get("problems", ())),
                 20, "the service did not notice")
        assert requests.get(health, timeout=10).status_code == 503
        refused = consumer.post(VACCINATION, query)
        assert refused.status_code == 503 and "call log" in refused.json()["error"]
        assert consumer.post("/v1/applications", {"api": "vaccination"}).status_code == 503
        assert any(r.levelno == logging.ERROR and "call log" in r.getMessage() for r in caplog.records)
    wait_for(lambda: requests.get(health, timeout=10).status_code == 200, 30, "the service did not recover")
    assert consumer.post(VACCINATION, query).status_code == 200
    statuses = wait_for(lambda: (found := [s for s, _ in _logged_statuses(service, consumer.app_key)])
                        and found[-1] == 200 and found, what="the calls were not all logged")
    assert len(statuses) == 3 and statuses[1:] == [503, 200]


def test_a_lost_grant_listener_listens_again_and_hears_a_revocation(service, child):
    from hubei_data.api import store

    consumer = service.consumer()
    grant_id = service.grant(consumer, "vaccination")
    query = {"child_id_no": child[0], "child_name": child[2]}
    assert consumer.post(VACCINATION, query).status_code == 200
    with service.connect() as conn:
        cut = conn.execute("select pg_terminate_backend(pid) from pg_stat_activity"
                           " where datname = current_database() and query = 'listen api_grants'").fetchall()
    assert cut == [(True,)]
    wait_for(lambda: service.logged("select 1 from pg_stat_activity where datname = current_database()"
                                    " and query = 'listen api_grants'"), 20, "the service did not listen again")
    with service.connect() as conn:
        store.revoke(conn, grant_id, TESTS)
    wait_for(lambda: consumer.post(VACCINATION, query).status_code == 403, 10, "the revocation was not heard")
