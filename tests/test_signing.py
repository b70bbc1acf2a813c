"""Request signing: what is signed, and every way a request can fail the check."""

import time

from hubei_data import signing

KEYS = {"app": "secret"}
BODY = b'{"batch_id":"b1","records":[]}'


def _signed(**changes):
    headers = signing.sign("app", "secret", "POST", "/bureau/v1/feeds/penalty/batches", BODY)
    return {**headers, **changes}


def _check(headers, method="POST", path="/bureau/v1/feeds/penalty/batches", body=BODY, now=None):
    return signing.check(headers, KEYS, method, path, body, now)


def test_a_signed_request_passes():
    assert _check(_signed()) is None


def test_the_canonical_request_is_five_lines_ending_with_the_body_digest():
    lines = signing.canonical("post", "/p?a=1", "100", "n", b"").decode().split("\n")
    assert lines == ["POST", "/p?a=1", "100", "n", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"]


def test_every_signed_part_matters():
    headers = _signed()
    assert _check(headers, body=BODY + b" ").reason == "signature does not match"
    assert _check(headers, path="/bureau/v1/feeds/sampling/batches").reason == "signature does not match"
    assert _check(headers, method="PUT").reason == "signature does not match"
    assert _check({**headers, "X-Nonce": "other"}).reason == "signature does not match"


def test_missing_headers_unknown_keys_and_stale_clocks_are_refused():
    assert _check({}).reason.startswith("missing headers: X-App-Key")
    assert _check(_signed(**{"X-App-Key": "stranger"})).reason == "unknown app key"
    assert _check(_signed(**{"X-Timestamp": "yesterday"})).status == 401
    assert "timestamp outside" in _check(_signed(), now=time.time() + 301).reason
    assert _check(_signed(), now=time.time() + 299) is None


MALFORMED = [
    ("X-Timestamp", "١٢٣٤٥"),          # Arabic-Indic digits: isdigit() says yes, int() agrees, the shape does not
    ("X-Timestamp", "²"),
    ("X-Timestamp", "9" * 5000),
    ("X-Timestamp", "-100"),
    ("X-Timestamp", " 100"),
    ("X-Timestamp", "1e9"),
    ("X-Timestamp", "17.5"),
    ("X-Signature", "é" * 64),
    ("X-Signature", "A" * 64),
    ("X-Signature", "0" * 63),
    ("X-Nonce", "n" * 129),
    ("X-Nonce", "with space"),
    ("X-Nonce", "控制"),
]


def test_a_malformed_signed_header_is_refused_with_its_name_never_raised():
    for header, value in MALFORMED:
        refusal = _check({**_signed(), header: value})
        assert refusal is not None and refusal.status == 401 and header in refusal.reason, (header, value)
