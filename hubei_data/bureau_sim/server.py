"""The simulator's HTTP server: signed batch intake with receipts, status and holdings queries."""

import json
import re
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

from hubei_data.bureau_sim.faults import Dice, Faults
from hubei_data.bureau_sim.store import Store
from hubei_data import signing
from hubei_data.exchange.feeds import FEEDS
from hubei_data.exchange.validation import problems

MAX_BODY_BYTES = 5 * 1024 * 1024
MAX_RECORDS = 1000
MAX_HELD_PAGE = 10_000
_BATCHES = re.compile(r"^/bureau/v1/feeds/([a-z_]+)/batches$")
_BATCH = re.compile(r"^/bureau/v1/batches/([A-Za-z0-9_.:-]{1,128})$")
_HELD = re.compile(r"^/bureau/v1/feeds/([a-z_]+)/records$")


class BureauState:
    """What the server's threads share: the store, the issued keys and the faults in force."""

    def __init__(self, store: Store, secrets_by_key: dict[str, str], faults: Faults, seed: int | None = None):
        self.store = store
        self.secrets_by_key = secrets_by_key
        self.faults = faults
        self.dice = Dice(seed)
        self.lock = threading.Lock()


class _Refused(Exception):
    def __init__(self, status: int, reason: str, headers: dict[str, str] | None = None):
        super().__init__(reason)
        self.status, self.reason, self.headers = status, reason, headers or {}


class Handler(BaseHTTPRequestHandler):
    """One request; every answer is JSON, every data request signed."""

    server_version = "BureauSimulator/1"
    protocol_version = "HTTP/1.1"
    state: BureauState

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class names it so
        pass

    def do_GET(self) -> None:
        self._answer("GET")

    def do_POST(self) -> None:
        self._answer("POST")

    def do_PUT(self) -> None:
        self._answer("PUT")

    def _answer(self, method: str) -> None:
        try:
            body = self._body()
            path = self.path.split("?", 1)[0]
            if method == "GET" and path == "/_sim/health":
                return self._send(200, {"status": "ok"})
            self._authenticate(method, self.path, body)
            if method == "POST" and (match := _BATCHES.match(path)):
                return self._batch(match.group(1), body)
            if method == "GET" and (match := _BATCH.match(path)):
                receipt = self.state.store.receipt(match.group(1))
                return self._send(200, receipt) if receipt else self._send(404, {"error": "no such batch"})
            if method == "GET" and (match := _HELD.match(path)):
                return self._held(match.group(1))
            if method == "PUT" and path == "/_sim/faults":
                return self._set_faults(body)
            raise _Refused(404, f"no such endpoint: {method} {path}")
        except _Refused as refused:
            self._send(refused.status, {"error": refused.reason}, refused.headers)

    def _body(self) -> bytes:
        length = self.headers.get("Content-Length")
        if length is None:
            return b""
        if not length.isdigit():
            raise _Refused(400, "Content-Length is not a number")
        if int(length) > MAX_BODY_BYTES:
            self.close_connection = True
            raise _Refused(413, f"body larger than {MAX_BODY_BYTES} bytes")
        return self.rfile.read(int(length))

    def _authenticate(self, method: str, path: str, body: bytes) -> None:
        refusal = signing.check(self.headers, self.state.secrets_by_key, method, path, body)
        if refusal:
            raise _Refused(refusal.status, refusal.reason)
        keep = 2 * signing.MAX_SKEW_SECONDS
        if not self.state.store.first_use_of_nonce(self.headers["X-App-Key"], self.headers["X-Nonce"], keep):
            raise _Refused(409, "nonce already used: a replayed request")

    def _batch(self, feed_name: str, body: bytes) -> None:
        faults, dice = self.state.faults, self.state.dice
        time.sleep(faults.latency_ms / 1000)
        if dice.roll(faults.rate_limit_rate):
            raise _Refused(429, "rate limited", {"Retry-After": "1"})
        if dice.roll(faults.error_rate):
            raise _Refused(503, "service unavailable (injected)")
        feed = FEEDS.get(feed_name)
        if feed is None:
            raise _Refused(404, f"unknown feed {feed_name}")
        batch_id, records = _parse_batch(body)
        accepted, rejected = [], []
        for record in records:
            reasons = problems(feed, record["data"])
            if reasons:
                rejected.append({"key": record["key"], "reason": "; ".join(reasons)})
            else:
                accepted.append((record["key"], record["hash"], json.dumps(record["data"], ensure_ascii=False)))
        receipt = {
            "batch_id": batch_id, "feed": feed_name, "received": len(records),
            "accepted": len(accepted), "rejected": rejected, "duplicate": False,
        }
        receipt = self.state.store.accept(feed_name, self.headers["X-App-Key"], batch_id, accepted, receipt)
        if dice.roll(faults.drop_rate):
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
            return
        if dice.roll(faults.timeout_rate):
            time.sleep(faults.timeout_seconds)
        self._send(200, receipt)

    def _held(self, feed_name: str) -> None:
        if feed_name not in FEEDS:
            raise _Refused(404, f"unknown feed {feed_name}")
        query = {name: values[-1] for name, values in parse_qs(self.path.partition("?")[2]).items()}
        limit = query.get("limit", str(MAX_HELD_PAGE))
        if not limit.isdigit() or not 0 < int(limit) <= MAX_HELD_PAGE:
            raise _Refused(400, f"limit must be 1 to {MAX_HELD_PAGE}")
        self._send(200, {"records": self.state.store.held(feed_name, query.get("after", ""), int(limit))})

    def _set_faults(self, body: bytes) -> None:
        try:
            changes = json.loads(body)
            with self.state.lock:
                self.state.faults = self.state.faults.updated(changes)
        except (ValueError, TypeError, AttributeError) as error:
            raise _Refused(422, f"faults: {error}") from None
        self._send(200, self.state.faults.as_dict())

    def _send(self, status: int, payload: dict, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


def _parse_batch(body: bytes) -> tuple[str, list[dict]]:
    try:
        batch = json.loads(body)
    except ValueError:
        raise _Refused(422, "body is not JSON") from None
    if not isinstance(batch, dict) or set(batch) != {"batch_id", "records"}:
        raise _Refused(422, "body must be an object with exactly batch_id and records")
    batch_id, records = batch["batch_id"], batch["records"]
    if not isinstance(batch_id, str) or not re.fullmatch(r"[A-Za-z0-9_.:-]{1,128}", batch_id):
        raise _Refused(422, "batch_id must be 1-128 letters, digits or _.:-")
    if not isinstance(records, list) or not records:
        raise _Refused(422, "records must be a non-empty list")
    if len(records) > MAX_RECORDS:
        raise _Refused(413, f"more than {MAX_RECORDS} records in one batch")
    for record in records:
        if not (
            isinstance(record, dict) and set(record) == {"key", "hash", "data"}
            and isinstance(record["key"], str) and isinstance(record["hash"], str) and isinstance(record["data"], dict)
        ):
            raise _Refused(422, "each record must be an object with key, hash (strings) and data (object)")
    return batch_id, records


def make_server(host: str, port: int, data_dir: Path, secrets_by_key: dict[str, str], faults: Faults,
                seed: int | None = None) -> ThreadingHTTPServer:
    """A server ready to `serve_forever()`; port 0 picks a free port (see `server_address`)."""
    state = BureauState(Store(data_dir / "bureau.sqlite"), secrets_by_key, faults, seed)
    handler = type("BoundHandler", (Handler,), {"state": state})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server
