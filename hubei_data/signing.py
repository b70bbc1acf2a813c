"""HMAC-SHA256 request signing, shared by the bureau interface (docs/bureau-interface.md) and the data API."""

import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass

HEADERS = ("X-App-Key", "X-Timestamp", "X-Nonce", "X-Signature")
MAX_SKEW_SECONDS = 300


def canonical(method: str, path: str, timestamp: str, nonce: str, body: bytes) -> bytes:
    """What is signed: method, path, timestamp, nonce and the body's SHA-256, one per line."""
    return "\n".join([method.upper(), path, timestamp, nonce, hashlib.sha256(body).hexdigest()]).encode()


def signature(secret: str, method: str, path: str, timestamp: str, nonce: str, body: bytes) -> str:
    return hmac.new(secret.encode(), canonical(method, path, timestamp, nonce, body), hashlib.sha256).hexdigest()


def sign(app_key: str, secret: str, method: str, path: str, body: bytes) -> dict[str, str]:
    """The headers that authenticate one request."""
    timestamp, nonce = str(int(time.time())), secrets.token_hex(16)
    return {
        "X-App-Key": app_key,
        "X-Timestamp": timestamp,
        "X-Nonce": nonce,
        "X-Signature": signature(secret, method, path, timestamp, nonce, body),
    }


# The shape of each signed header, checked before anything is computed from it ([0-9], unlike \d, is ASCII only).
HEADER_SHAPES = {
    "X-Timestamp": (re.compile(r"[0-9]{1,12}"), "whole seconds since the epoch"),
    "X-Nonce": (re.compile(r"[\x21-\x7e]{1,128}"), "1 to 128 visible ASCII characters"),
    "X-Signature": (re.compile(r"[0-9a-f]{64}"), "64 lowercase hex digits"),
}


def malformed_header(headers) -> str | None:
    """Why a signed header present in the request is not of its shape, or None."""
    for name, (shape, meaning) in HEADER_SHAPES.items():
        value = headers.get(name)
        if value and not shape.fullmatch(value):
            return f"{name} is not {meaning}"
    return None


@dataclass(frozen=True)
class Refusal:
    """Why a request's signature is not accepted, with the HTTP status to answer."""

    status: int
    reason: str


def check(headers, secrets_by_key: dict[str, str], method: str, path: str, body: bytes, now: float | None = None) -> Refusal | None:
    """None when the headers sign this request with a known key inside the allowed clock skew.

    Nonce reuse is the receiver's to check, after this: only it knows which nonces it has seen.
    """
    missing = [h for h in HEADERS if not headers.get(h)]
    if missing:
        return Refusal(401, f"missing headers: {', '.join(missing)}")
    malformed = malformed_header(headers)
    if malformed:
        return Refusal(401, malformed)
    secret = secrets_by_key.get(headers["X-App-Key"])
    if secret is None:
        return Refusal(401, "unknown app key")
    timestamp = headers["X-Timestamp"]
    if abs((time.time() if now is None else now) - int(timestamp)) > MAX_SKEW_SECONDS:
        return Refusal(401, f"timestamp outside ±{MAX_SKEW_SECONDS} s of the server's clock")
    expected = signature(secret, method, path, timestamp, headers["X-Nonce"], body)
    if not hmac.compare_digest(expected, headers["X-Signature"]):
        return Refusal(401, "signature does not match")
    return None
