"""Every data call in the call log with the status actually sent, and no signed call answered while it cannot be logged."""

import datetime as dt
import json
import time
from dataclasses import dataclass

from starlette.routing import get_route_path

from hubei_data.api.audit import AuditLog, Call
from hubei_data.api.errors import error

MAX_ERROR_BYTES = 4096


@dataclass
class CallFacts:
    """What the route learnt of a call, for its log row (as `request.state.call`)."""

    app_key: str | None = None
    grant_id: int | None = None
    params_digest: str | None = None
    rows: int | None = None


class CallRecorder:
    """Plain ASGI around the whole app, so the status logged is the one sent: 413s and 500s included.

    `apis` maps each data path to its API; those calls are logged. Every path in `signed` uses
    nonces, so while `problems` names anything (the call log or the grant listener is down) such
    calls are refused with 503 rather than answered unaudited or with stale grants.
    """

    def __init__(self, app, audit: AuditLog, apis: dict[str, str], signed: set[str], problems):
        self.app, self.audit, self.apis, self.signed, self.problems = app, audit, apis, signed, problems

    async def __call__(self, scope, receive, send):
        path = get_route_path(scope) if scope["type"] == "http" else None
        if path not in self.signed:
            return await self.app(scope, receive, send)
        api = self.apis.get(path)
        if api is None:
            return await self._gated(scope, receive, send)
        started, facts, answer = time.perf_counter(), CallFacts(_claimed_key(scope)), _Answer(send)
        scope.setdefault("state", {})["call"] = facts
        try:
            await self._gated(scope, receive, answer)
        except Exception as exc:  # the server's error handler answers it with a 500, logged here as such
            answer.failed(exc)
            raise
        finally:
            self.audit.record(Call(
                dt.datetime.now(dt.UTC), facts.app_key, api, facts.grant_id, facts.params_digest, facts.rows,
                (time.perf_counter() - started) * 1000, answer.status, answer.error(),
            ))

    async def _gated(self, scope, receive, send) -> None:
        problems = self.problems()
        if problems:
            refusal = "the service cannot answer now: " + "; ".join(problems) + " (GET /health)"
            return await error(503, refusal, {"Retry-After": "5"})(scope, receive, send)
        await self.app(scope, receive, send)


class _Answer:
    """Passes the response on, keeping its status and, for a refusal, its message."""

    def __init__(self, send):
        self.send, self.started, self.status, self.body = send, False, 500, b""
        self.failure: str | None = None

    async def __call__(self, message) -> None:
        if message["type"] == "http.response.start":
            self.started, self.status = True, message["status"]
        elif message["type"] == "http.response.body" and self.status >= 400:
            self.body += message.get("body", b"")[: MAX_ERROR_BYTES - len(self.body)]
        await self.send(message)

    def failed(self, exc: Exception) -> None:
        self.failure = f"the service failed: {type(exc).__name__}"

    def error(self) -> str | None:
        if self.failure and not self.started:
            return self.failure
        if self.status < 400:
            return self.failure
        try:
            return str(json.loads(self.body)["error"])
        except (ValueError, TypeError, KeyError):
            return self.body.decode("utf-8", "replace") or f"answered {self.status}"


def _claimed_key(scope) -> str | None:
    """The app key the request claims, even if refused: the log shows who is knocking."""
    for name, value in scope["headers"]:
        if name == b"x-app-key":
            return value.decode("latin-1")[:64] or None
    return None
