"""The bureau simulator over real HTTP: authentication, receipts, idempotence, validation, faults."""

import json
import time

import requests
from stdnum.cn import uscc as uscc_number

from hubei_data.bureau_sim.faults import Faults
from hubei_data import signing
from hubei_data.exchange.bureau import BureauUnavailable, Record

USCC = "91420100MA4K12345" + uscc_number.calc_check_digit("91420100MA4K12345")


def _penalty(key: str, **changes) -> Record:
    data = {"case_no": key, "uscc": USCC, "enterprise_name": "某药房", "decided_on": "2026-10-01", **changes}
    return Record(key, f"h-{key}", json.dumps(data, ensure_ascii=False))


def _post(bureau, path, body: bytes, headers=None):
    headers = headers or signing.sign(bureau.app_key, bureau.secret, "POST", path, body)
    return requests.post(bureau.url + path, data=body, headers=headers, timeout=5)


def test_a_batch_is_stored_and_answered_with_a_receipt(bureau_server):
    bureau = bureau_server()
    client, state = bureau.client(), bureau.state
    receipt = client.send_batch("penalty", "b-1", [_penalty("P1"), _penalty("P2", enterprise_name=None)])
    assert (receipt.received, receipt.accepted, receipt.duplicate) == (2, 1, False)
    assert receipt.rejected == {"P2": "enterprise_name is required"}
    assert client.held("penalty") == {"P1": "h-P1"}
    assert state.store.counts() == {"penalty": 1}


def test_a_batch_sent_again_is_not_stored_again(bureau_server):
    bureau = bureau_server()
    client, state = bureau.client(), bureau.state
    first = client.send_batch("penalty", "b-1", [_penalty("P1")])
    again = client.send_batch("penalty", "b-1", [_penalty("P1", enterprise_name="改名")])
    assert again.duplicate and (again.received, again.accepted) == (first.received, first.accepted)
    assert json.loads(state.store._db.execute("select data from records").fetchone()[0])["enterprise_name"] == "某药房"


def test_records_are_validated_against_the_feed(bureau_server):
    receipt = bureau_server().client().send_batch("penalty", "b-2", [
        _penalty("P3", uscc="91420100MA4K123450"),
        _penalty("P4", decided_on="2026年10月1日"),
        _penalty("P5", surprise="x"),
    ])
    assert receipt.rejected == {
        "P3": "uscc 91420100MA4K123450 is not a valid unified social credit code",
        "P4": "decided_on 2026年10月1日 is not an ISO date",
        "P5": "unknown fields: surprise",
    }


def test_bad_signatures_replays_and_stale_timestamps_are_refused(bureau_server):
    bureau = bureau_server()
    path, body = "/bureau/v1/feeds/penalty/batches", b'{"batch_id":"b","records":[]}'
    headers = signing.sign(bureau.app_key, bureau.secret, "POST", path, body)
    assert _post(bureau, path, body, {**headers, "X-Signature": "0" * 64}).status_code == 401
    assert _post(bureau, path, body, headers).status_code == 422
    replay = _post(bureau, path, body, headers)
    assert replay.status_code == 409 and "replayed" in replay.json()["error"]
    stale = {**headers, "X-Timestamp": str(int(time.time()) - 1000), "X-Nonce": "fresh"}
    stale["X-Signature"] = signing.signature(bureau.secret, "POST", path, stale["X-Timestamp"], "fresh", body)
    assert _post(bureau, path, body, stale).status_code == 401
    assert requests.get(bureau.url + "/bureau/v1/feeds/penalty/records", timeout=5).status_code == 401
    assert bureau.state.store.counts() == {}


def test_malformed_and_oversize_batches_are_refused_with_reasons(bureau_server):
    bureau = bureau_server()
    path = "/bureau/v1/feeds/penalty/batches"
    assert _post(bureau, path, b"not json").json() == {"error": "body is not JSON"}
    many = json.dumps({"batch_id": "big", "records": [{"key": str(n), "hash": "h", "data": {}} for n in range(1001)]})
    assert _post(bureau, path, many.encode()).status_code == 413
    assert _post(bureau, "/bureau/v1/feeds/nothing/batches", b'{"batch_id":"b","records":[{"key":"k","hash":"h","data":{}}]}').status_code == 404


def test_injected_faults_happen_and_can_be_changed_while_running(bureau_server):
    bureau = bureau_server(Faults(error_rate=1.0))
    client, state = bureau.client(timeout_seconds=1), bureau.state
    try:
        client.send_batch("penalty", "b-9", [_penalty("P9")])
        raise AssertionError("an injected 503 must surface as BureauUnavailable")
    except BureauUnavailable as error:
        assert "503" in str(error)
    body = json.dumps({"error_rate": 0, "drop_rate": 1.0}).encode()
    headers = signing.sign(bureau.app_key, bureau.secret, "PUT", "/_sim/faults", body)
    assert requests.put(bureau.url + "/_sim/faults", data=body, headers=headers, timeout=5).json()["drop_rate"] == 1.0
    try:
        client.send_batch("penalty", "b-9", [_penalty("P9")])
        raise AssertionError("a dropped connection must surface as BureauUnavailable")
    except BureauUnavailable:
        pass
    assert state.store.counts() == {"penalty": 1}
    assert state.store.receipt("b-9")["accepted"] == 1
