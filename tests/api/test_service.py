"""The data API as a consumer meets it, over real HTTP: grants, masking, signatures, bad input, audit."""

import time

import requests

from hubei_data import signing
from hubei_data.api.stats import call_stats
from tests.polling import wait_for
from tests.api.conftest import TESTS

VACCINATION = "/v1/apis/vaccination"


def test_an_unapproved_key_is_refused_then_approval_answers_with_masked_fields(service, child):
    consumer = service.consumer()
    query = {"child_id_no": child[0], "child_name": child[2]}
    refused = consumer.post(VACCINATION, query)
    assert refused.status_code == 403 and "no approved grant" in refused.json()["error"]
    applied = consumer.post("/v1/applications", {"api": "vaccination", "purpose": "出生一件事户籍登记",
                                                  "valid_from": "2026-01-01", "valid_until": "2099-12-31"})
    assert applied.status_code == 201 and applied.json()["status"] == "pending"
    assert consumer.post(VACCINATION, query).status_code == 403
    grant_id = applied.json()["grant_id"]
    assert service.admin("POST", f"/admin/grants/{grant_id}/approve", {"rate_per_minute": 100}).status_code == 200
    answer = consumer.post(VACCINATION, query)
    assert answer.status_code == 200
    rows = answer.json()["rows"]
    assert [r["record_id"] for r in rows] == ["JZ1", "JZ2"]
    assert {r["child_id_no"] for r in rows} == {"110101********0016"}
    assert {r["child_name"] for r in rows} == {"欧阳**"}
    by_certificate = consumer.post(VACCINATION, {"birth_cert_no": child[1], "child_name": child[2]}).json()["rows"]
    assert [r["record_id"] for r in by_certificate] == ["JZ1", "JZ2"]
    wrong_name = consumer.post(VACCINATION, {"child_id_no": child[0], "child_name": "王芳"}).json()["rows"]
    assert wrong_name == []


def test_a_grant_allowing_personal_fields_shows_them_whole_and_fixes_the_fields(service, child):
    consumer = service.consumer()
    service.grant(consumer, "vaccination", allow_personal=True, fields=["record_id", "child_id_no", "child_name"])
    answer = consumer.post(VACCINATION, {"child_id_no": child[0], "child_name": child[2]}).json()
    assert answer["fields"] == ["record_id", "child_id_no", "child_name"]
    assert answer["rows"][0] == {"record_id": "JZ1", "child_id_no": child[0], "child_name": child[2]}


def test_revocation_takes_effect_at_once(service, child):
    consumer = service.consumer()
    grant_id = service.grant(consumer, "vaccination")
    query = {"child_id_no": child[0], "child_name": child[2]}
    assert consumer.post(VACCINATION, query).status_code == 200
    assert service.admin("POST", f"/admin/grants/{grant_id}/revoke", {"note": "申请期满"}).status_code == 200
    assert consumer.post(VACCINATION, query).status_code == 403


def test_a_revocation_from_another_process_reaches_the_service_within_a_second(service, child):
    from hubei_data.api import store

    consumer = service.consumer()
    grant_id = service.grant(consumer, "vaccination")
    with service.connect() as conn:
        store.revoke(conn, grant_id, TESTS)
    deadline = time.monotonic() + 1
    while consumer.post(VACCINATION, {"child_id_no": child[0], "child_name": child[2]}).status_code == 200:
        assert time.monotonic() < deadline


def test_the_row_scope_keeps_the_consumer_to_its_rows(service):
    consumer = service.consumer("武汉市市场监管局")
    service.grant(consumer, "enterprise", row_scope=[{"field": "division_code", "op": "prefix", "value": "4201"}])
    answer = consumer.post("/v1/apis/enterprise", {"name": "武汉", "page_size": 100}).json()
    assert len(answer["rows"]) == 15 and {r["division_code"] for r in answer["rows"]} == {"420102"}
    outside = consumer.post("/v1/apis/enterprise", {"uscc": "91420100000000001X"}).json()
    assert outside["rows"] == []
    first = consumer.post("/v1/apis/enterprise", {"name": "武汉", "page_size": 10}).json()
    second = consumer.post("/v1/apis/enterprise", {"name": "武汉", "page_size": 10, "page": 2}).json()
    assert first["has_more"] and not second["has_more"] and len(second["rows"]) == 5
    assert not {r["uscc"] for r in first["rows"]} & {r["uscc"] for r in second["rows"]}


def test_signatures_stale_timestamps_and_replays_are_refused(service, child):
    consumer = service.consumer()
    service.grant(consumer, "vaccination")
    body = f'{{"child_id_no": "{child[0]}", "child_name": "{child[2]}"}}'.encode()
    url = service.base + VACCINATION
    signed = signing.sign(consumer.app_key, consumer.secret, "POST", VACCINATION, body)
    assert requests.post(url, data=body, headers=signed).status_code == 200
    replay = requests.post(url, data=body, headers=signed)
    assert replay.status_code == 401 and "nonce already used" in replay.json()["error"]
    forged = {**signing.sign(consumer.app_key, "not-the-secret", "POST", VACCINATION, body)}
    assert requests.post(url, data=body, headers=forged).json()["error"] == "signature does not match"
    tampered = signing.sign(consumer.app_key, consumer.secret, "POST", VACCINATION, body)
    assert requests.post(url, data=body.replace(b"}", b', "page": 2}'), headers=tampered).status_code == 401
    stale = {**signed, "X-Timestamp": str(int(time.time()) - 3600), "X-Nonce": "fresh-nonce"}
    stale["X-Signature"] = signing.signature(consumer.secret, "POST", VACCINATION, stale["X-Timestamp"], "fresh-nonce", body)
    assert "timestamp outside" in requests.post(url, data=body, headers=stale).json()["error"]
    assert requests.post(url, data=body).status_code == 401
    unknown = signing.sign("hd_nobody", "x", "POST", VACCINATION, body)
    assert requests.post(url, data=body, headers=unknown).json()["error"] == "unknown app key"


def test_bad_parameters_get_a_clear_4xx_and_no_data(service, child):
    consumer = service.consumer()
    service.grant(consumer, "vaccination")
    name = child[2]
    cases = [
        ({"child_id_no": child[0], "child_name": name, "mother_id_no": "x"}, 422, "mother_id_no"),
        ({"child_id_no": 110101, "child_name": name}, 422, "child_id_no"),
        ({"child_name": name}, 422, "at least one of: child_id_no, birth_cert_no"),
        ({"child_id_no": child[0]}, 422, "child_name"),
        ({"child_id_no": "x\x00y", "child_name": name}, 422, "child_id_no"),
        ({"child_id_no": child[0], "child_name": name, "page_size": 100000}, 422, "page_size"),
        (["not", "an", "object"], 422, "JSON object"),
    ]
    for body, status, words in cases:
        answer = consumer.post(VACCINATION, body)
        assert (answer.status_code, words in answer.json()["error"]) == (status, True), (body, answer.text)
    assert consumer.post(VACCINATION, None, raw=b"{not json").status_code == 400
    oversize = consumer.post(VACCINATION, {"child_id_no": "1" * 20_000, "child_name": name})
    assert oversize.status_code == 413
    for attempt in ("' or '1'='1", f"{child[0]}' --", "%", "_%", "'; drop table share.newborn_vaccination_lookup; --"):
        answer = consumer.post(VACCINATION, {"child_id_no": attempt, "child_name": f"{name}' or 'a'='a"})
        assert answer.status_code == 200 and answer.json()["rows"] == []
    with service.connect() as conn:
        assert conn.execute("select count(*) from share.newborn_vaccination_lookup").fetchone()[0] == 3


def test_the_rate_limit_of_a_grant_is_kept(service, child):
    consumer = service.consumer()
    service.grant(consumer, "vaccination", rate_per_minute=3)
    codes = [consumer.post(VACCINATION, {"child_id_no": child[0], "child_name": child[2]}).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_every_call_is_logged_and_counted(service, child):
    consumer = service.consumer()
    service.grant(consumer, "vaccination")
    consumer.post(VACCINATION, {"child_id_no": child[0], "child_name": child[2]})
    consumer.post(VACCINATION, {"child_name": child[2]})
    requests.post(service.base + VACCINATION, json={})
    wait_for(lambda: len(service.logged("select 1 from api.calls")) == 3, what="the calls were not logged")
    with service.connect() as conn:
        logged = conn.execute("select app_key, status, rows, params_digest is not null from api.calls order by call_id").fetchall()
        assert logged == [(consumer.app_key, 200, 2, True), (consumer.app_key, 422, None, True), (None, 401, None, False)]
        assert not conn.execute("select 1 from api.calls where error like %s", (f"%{child[0]}%",)).fetchone()
        import datetime as dt

        stats = call_stats(conn, dt.datetime(2000, 1, 1, tzinfo=dt.UTC), dt.datetime(2100, 1, 1, tzinfo=dt.UTC))
    mine = next(s for s in stats if s["consumer"] == consumer.app_key)
    assert (mine["api"], mine["calls"], mine["errors"], float(mine["error_rate_pct"])) == ("vaccination", 2, 1, 50.0)
    assert mine["p50_ms"] is not None and mine["p99_ms"] >= mine["p50_ms"]


def test_admin_routes_need_the_token_and_refuse_what_cannot_be(service):
    assert service.admin("GET", "/admin/grants", token=None).status_code == 401
    assert service.admin("GET", "/admin/grants", token="wrong").status_code == 401
    created = service.admin("POST", "/admin/consumers", {"name": "省医保局", "department": "省医疗保障局"})
    assert created.status_code == 201 and created.json()["app_key"].startswith("hd_")
    listed = service.admin("GET", "/admin/consumers").json()
    assert [c["name"] for c in listed] == ["省医保局"] and "secret" not in listed[0]
    assert service.admin("POST", "/admin/grants/999/approve", {}).status_code == 404
    consumer = service.consumer()
    grant_id = consumer.post("/v1/applications", {"api": "vaccination", "purpose": "医保参保",
                                                  "valid_from": "2026-01-01", "valid_until": "2026-12-31"}).json()["grant_id"]
    bad_field = service.admin("POST", f"/admin/grants/{grant_id}/approve", {"fields": ["mother_name"]})
    assert bad_field.status_code == 422 and "mother_name" in bad_field.json()["error"]
    assert service.admin("POST", f"/admin/grants/{grant_id}/revoke", {}).status_code == 422
    assert service.admin("POST", f"/admin/grants/{grant_id}/reject", {"note": "用途不符"}).status_code == 200
    assert service.admin("GET", "/admin/grants?status=rejected").json()[0]["grant_id"] == grant_id
    with service.connect() as conn:
        stored = conn.execute("select secret_encrypted from api.consumers where app_key = %s", (consumer.app_key,)).fetchone()[0]
    assert consumer.secret.encode() not in bytes(stored)


def test_a_consumer_whose_secret_does_not_decrypt_is_refused_and_the_rest_served(service, child):
    from hubei_data.api import store
    from hubei_data.api.vault import Vault, new_key

    with service.connect() as conn:
        store.create_consumer(conn, Vault(new_key()), "旧密钥下创建", "省公安厅", TESTS)
    consumer = service.consumer()
    service.grant(consumer, "vaccination")
    assert consumer.post(VACCINATION, {"child_id_no": child[0], "child_name": child[2]}).status_code == 200


def test_metric_values_are_served_to_an_approved_consumer(service):
    with service.connect() as conn:
        conn.execute(
            "insert into metric.metric_values (metric_code, partition_key, period_start, period_end, dims, value, run_id)"
            " values ('inspections_month', '2026-09-01', '2026-09-01', '2026-09-30', '{\"division\": \"420102\"}', 4, 'r'),"
            " ('inspections_month', '2026-10-01', '2026-10-01', '2026-10-31', '{\"division\": \"420102\"}', 7, 'r'),"
            " ('sampling_batches_month', '2026-10-01', '2026-10-01', '2026-10-31', '{}', 12, 'r')"
        )
        conn.commit()
    consumer = service.consumer("省政府办公厅")
    assert consumer.post("/v1/apis/metrics", {"metric_code": "inspections_month"}).status_code == 403
    service.grant(consumer, "metrics")
    answer = consumer.post("/v1/apis/metrics", {"metric_code": "inspections_month", "period_from": "2026-10-01"}).json()
    assert [(r["period_start"], r["value"]) for r in answer["rows"]] == [("2026-10-01", "7")]
    assert answer["rows"][0]["dims"] == '{"division": "420102"}'
    assert consumer.post("/v1/apis/metrics", {"period_from": "2026-10-01"}).status_code == 422


def test_a_grant_outside_its_period_does_not_answer(service, child):
    consumer = service.consumer()
    grant_id = service.grant(consumer, "vaccination")
    with service.connect() as conn:
        conn.execute("update api.grants set valid_until = '2026-01-31' where grant_id = %s", (grant_id,))
        conn.execute("notify api_grants")
        conn.commit()
    deadline = time.monotonic() + 2
    while (answer := consumer.post(VACCINATION, {"child_id_no": child[0], "child_name": child[2]})).status_code == 200:
        assert time.monotonic() < deadline
    assert answer.status_code == 403 and "valid 2026-01-01 to 2026-01-31, not today" in answer.json()["error"]
