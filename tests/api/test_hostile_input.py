"""Hostile headers and bodies, on data, application and admin routes: a clear 4xx, never a 5xx, and logged as sent."""

import json

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.polling import wait_for

VACCINATION = "/v1/apis/vaccination"
NOT_A_TIMESTAMP = {
    "Arabic-Indic digits": "١٢٣".encode(),
    "fullwidth digits": "１７００００００００".encode(),
    "superscript digits (Latin-1)": b"\xb2\xb3",
    "five thousand digits": b"1" * 5000,
    "a sign": b"+1700000000",
    "negative": b"-1",
    "a float": b"1700000000.5",
    "an exponent": b"1.7e9",
    "hex": b"0x10",
    "inner space": b"1700 000000",
}
NOT_A_NONCE = {
    "129 characters": b"n" * 129,
    "non-ASCII": "随机数".encode(),
    "Latin-1 bytes": b"\xff\xfe",
    "inner space": b"a b",
}
NOT_A_SIGNATURE = {
    "non-ASCII (Latin-1) of the right length": b"\xe9" * 64,
    "upper case": b"A" * 64,
    "not hex": b"g" * 64,
    "five thousand digits": b"0" * 5000,
}


def _signed_with(consumer, name: str, value: bytes) -> requests.Response:
    body = b'{"child_id_no": "110101202301010016", "child_name": "x"}'
    headers = {**consumer.signed(VACCINATION, body), name: value}
    return requests.post(consumer.base + VACCINATION, data=body, headers=headers, timeout=10)


@pytest.mark.parametrize(("name", "value"), [
    *(("X-Timestamp", v) for v in NOT_A_TIMESTAMP.values()),
    *(("X-Nonce", v) for v in NOT_A_NONCE.values()),
    *(("X-Signature", v) for v in NOT_A_SIGNATURE.values()),
], ids=[*(f"timestamp: {k}" for k in NOT_A_TIMESTAMP), *(f"nonce: {k}" for k in NOT_A_NONCE),
        *(f"signature: {k}" for k in NOT_A_SIGNATURE)])
def test_a_malformed_signed_header_is_a_401_and_logged_so(service, name, value):
    consumer = service.consumer()
    service.grant(consumer, "vaccination")
    answer = _signed_with(consumer, name, value)
    assert answer.status_code == 401 and answer.json()["error"].startswith(name), answer.text
    assert wait_for(lambda: service.logged("select status, error from api.calls")) == [(401, answer.json()["error"])]


@given(value=st.binary(min_size=1, max_size=300).filter(lambda b: all(0x21 <= c or c == 0x20 for c in b)
                                                         and b.strip() == b and b"\x7f" not in b))
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def _any_header_value(service, consumer, value):
    for name in ("X-Timestamp", "X-Nonce", "X-Signature", "X-App-Key"):
        assert _signed_with(consumer, name, value).status_code in (200, 401), (name, value)


def test_any_value_of_any_signed_header_is_answered_without_a_5xx(service):
    consumer = service.consumer()
    service.grant(consumer, "vaccination", rate_per_minute=100_000)
    _any_header_value(service, consumer)
    wait_for(lambda: service.logged("select 1 from api.calls where status = 401"))
    assert service.logged("select count(*) from api.calls where status >= 500") == [(0,)]


HOSTILE_BODIES = {
    "nested ten thousand levels": (b'{"child_name": ' + b"[" * 5000 + b"]" * 5000 + b"}", 400),
    "an integer of five thousand digits": (b'{"page": ' + b"9" * 5000 + b"}", 400),
    "an integer of thirty digits": (b'{"page": ' + b"9" * 30 + b"}", 422),
    "a number too large for a float": (b'{"page": 1e400}', 422),
    "NaN": (b'{"page": NaN}', 422),
    "a lone surrogate": (b'{"child_name": "\\ud800"}', 400),
    "bytes that are not UTF-8": (b'{"child_name": "\xc3\x28"}', 400),
    "NUL in a key": (b'{"\\u0000": 1}', 422),
    "a string, not an object": (b'"x"', 422),
    "a list, not an object": (b"[1, 2]", 422),
    "truncated": (b'{"child_name": "x', 400),
    "twenty thousand bytes": (b'{"child_name": "' + b"x" * 20_000 + b'"}', 413),
}


@pytest.mark.parametrize(("body", "status"), HOSTILE_BODIES.values(), ids=HOSTILE_BODIES)
def test_a_hostile_body_is_a_clear_4xx_logged_as_sent(service, body, status):
    consumer = service.consumer()
    service.grant(consumer, "vaccination")
    answer = consumer.post(VACCINATION, None, raw=body)
    assert answer.status_code == status and answer.json()["error"], answer.text
    assert wait_for(lambda: service.logged("select status from api.calls")) == [(status,)]


@given(body=st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(), inner, max_size=5), max_leaves=30,
) | st.binary(max_size=2000))
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def _any_body(consumer, body):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    assert consumer.post(VACCINATION, None, raw=raw).status_code < 500, raw


def test_any_body_is_answered_without_a_5xx_and_every_call_is_logged(service, child):
    consumer = service.consumer()
    service.grant(consumer, "vaccination", rate_per_minute=100_000)
    _any_body(consumer)
    assert consumer.post(VACCINATION, {"child_id_no": child[0], "child_name": child[2]}).status_code == 200
    wait_for(lambda: service.logged("select 1 from api.calls where status = 200"), what="the last call was not logged")
    assert service.app.state.audit.problem is None
    assert service.logged("select count(*) from api.calls where status >= 500") == [(0,)]


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "",
                                          "multipart/form-data; boundary=x", "application/jsonx", "json"])
def test_a_body_declared_as_anything_but_json_is_a_415(service, child, content_type):
    consumer = service.consumer()
    service.grant(consumer, "vaccination")
    body = json.dumps({"child_id_no": child[0], "child_name": child[2]}).encode()
    answer = consumer.post(VACCINATION, None, raw=body, headers={"Content-Type": content_type})
    assert answer.status_code == 415 and "application/json" in answer.json()["error"]
    for json_or_none in ("application/json; charset=utf-8", "Application/JSON", None):
        headers = {k: v for k, v in consumer.signed(VACCINATION, body).items() if k != "Content-Type"}
        answer = requests.post(service.base + VACCINATION, data=body, timeout=10,
                               headers={**headers, **({"Content-Type": json_or_none} if json_or_none else {})})
        assert answer.status_code == 200, json_or_none


def test_the_call_log_keeps_the_status_sent_even_a_500(service, child):
    consumer = service.consumer()
    service.grant(consumer, "vaccination")
    query = {"child_id_no": child[0], "child_name": child[2]}
    assert requests.get(service.base + VACCINATION, timeout=10).status_code == 405
    assert consumer.post(VACCINATION, {"child_name": "x" * 20_000}).status_code == 413
    with service.connect() as conn:
        conn.execute("alter table share.newborn_vaccination_lookup rename to gone")
        conn.commit()
    failed = consumer.post(VACCINATION, query)
    assert failed.status_code == 500 and "Traceback" not in failed.text and failed.json()["error"]
    logged = wait_for(lambda: len(rows := service.logged("select status, error from api.calls order by call_id")) == 3
                      and rows, what="the calls were not logged")
    assert [status for status, _ in logged] == [405, 413, 500]
    assert "UndefinedTable" in logged[2][1]


ADMIN_BODIES = {
    "a megabyte": b'{"name": "' + b"x" * 1_000_000 + b'"}',
    "not JSON": b"{not json",
    "nested ten thousand levels": b"[" * 10_000,
    "a NUL": b'{"name": "\\u0000", "department": "x"}',
}


@pytest.mark.parametrize("body", ADMIN_BODIES.values(), ids=ADMIN_BODIES)
@pytest.mark.parametrize("token", [None, "wrong"])
@pytest.mark.parametrize("content_type", ["application/json", "text/plain"])
def test_a_stranger_on_an_admin_route_gets_401_whatever_the_body(service, body, token, content_type):
    headers = {"Content-Type": content_type, **({"Authorization": f"Bearer {token}"} if token else {})}
    for path in ("/admin/consumers", "/admin/grants/1/approve"):
        answer = requests.post(service.base + path, data=body, headers=headers, timeout=30)
        assert answer.status_code == 401 and answer.json()["error"].startswith("not logged in")


ADMIN_REFUSALS = {
    "not JSON": ("/admin/consumers", b"{not json", 400),
    "nested ten thousand levels": ("/admin/consumers", b'{"name": ' + b"[" * 5000 + b"]" * 5000 + b"}", 400),
    "an integer of five thousand digits": ("/admin/grants/1/approve", b'{"rate_per_minute": ' + b"9" * 5000 + b"}", 400),
    "a lone surrogate": ("/admin/consumers", b'{"name": "\\udc00", "department": "x"}', 400),
    "NUL in a name": ("/admin/consumers", b'{"name": "a\\u0000", "department": "x"}', 422),
    "NUL in a note": ("/admin/grants/1/reject", b'{"note": "\\u0000"}', 422),
    "NUL in a row scope value": ("/admin/grants/1/approve",
                                 b'{"row_scope": [{"field": "f", "op": "=", "value": "\\u0000"}]}', 422),
    "infinity in a row scope value": ("/admin/grants/1/approve",
                                      b'{"row_scope": [{"field": "f", "op": "=", "value": 1e400}]}', 422),
    "twenty thousand bytes": ("/admin/consumers", b'{"name": "' + b"x" * 20_000 + b'"}', 413),
}


@pytest.mark.parametrize(("path", "body", "status"), ADMIN_REFUSALS.values(), ids=ADMIN_REFUSALS)
def test_the_administrator_gets_a_clear_4xx_for_a_hostile_body(service, path, body, status):
    headers = {"Authorization": f"Bearer {service.admin_token(path)}", "Content-Type": "application/json"}
    answer = requests.post(service.base + path, data=body, headers=headers, timeout=10)
    assert answer.status_code == status and answer.json()["error"], answer.text
    wrong_type = requests.post(service.base + path, data=body, timeout=10, headers={**headers, "Content-Type": "text/plain"})
    assert wrong_type.status_code == 415


def test_a_nul_in_a_note_of_a_real_grant_is_refused_and_the_grant_kept(service):
    consumer = service.consumer()
    grant_id = consumer.post("/v1/applications", {"api": "vaccination", "purpose": "医保参保",
                                                  "valid_from": "2026-01-01", "valid_until": "2026-12-31"}).json()["grant_id"]
    assert service.admin("POST", f"/admin/grants/{grant_id}/reject", {"note": "用途\u0000不符"}).status_code == 422
    assert service.logged("select status from api.grants where grant_id = %s", (grant_id,)) == [("pending",)]
    applied = consumer.post("/v1/applications", None, raw=json.dumps({
        "api": "vaccination", "purpose": "\ud800", "valid_from": "2026-01-01", "valid_until": "2026-12-31"}).encode())
    assert applied.status_code == 400


def test_the_administrator_may_send_json_without_a_content_type(service):
    body = json.dumps({"name": "省医保局", "department": "省医疗保障局"}).encode()
    answer = requests.post(service.base + "/admin/consumers", data=body, timeout=10,
                           headers={"Authorization": f"Bearer {service.admin_token('/admin/consumers')}"})
    assert answer.status_code == 201 and answer.json()["app_key"].startswith("hd_")
