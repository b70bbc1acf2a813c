"""The call log: every call, answered or refused, written in the background with the nonces, so calls do not wait."""

import asyncio
import datetime as dt
import hashlib
import json
import logging
from typing import NamedTuple

from psycopg_pool import AsyncConnectionPool

from hubei_data.api.guard import NonceBook
from hubei_data.storable import storable

log = logging.getLogger(__name__)
FLUSH_SECONDS = 0.2
WRITE_TIMEOUT_SECONDS = 5
# Past this many waiting rows (the database has been away a while), further calls are kept as counts.
MAX_PENDING = 100_000


class Call(NamedTuple):
    called_at: dt.datetime
    app_key: str | None
    api: str
    grant_id: int | None
    params_digest: str | None
    rows: int | None
    latency_ms: float
    status: int
    error: str | None


def params_digest(values: dict) -> str:
    """SHA-256 of the parameters: the log shows which calls asked the same, never what they asked."""
    text = json.dumps(values, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8", "backslashreplace")).hexdigest()


class _Tally(NamedTuple):
    calls: int
    first_at: dt.datetime
    latency_ms: float


class AuditLog:
    """Calls and nonces waiting for the database, and the writer that puts them there.

    The writer outlives any failure: what it cannot write waits and is written once the database
    takes it again. Meanwhile `problem` says why, and the service answers no data call.
    """

    def __init__(self, nonces: NonceBook):
        self.nonces = nonces
        self.pending: list[Call] = []
        self.overflow: dict[tuple[str, int], _Tally] = {}
        self.pool: AsyncConnectionPool | None = None
        self._task: asyncio.Task | None = None
        self._failure: str | None = None

    @property
    def problem(self) -> str | None:
        """Why calls cannot be logged right now, or None when they can."""
        if self._task is None or self._task.done():
            return "the call log writer is not running"
        return self._failure

    def record(self, call: Call) -> None:
        if len(self.pending) < MAX_PENDING:
            self.pending.append(call)
            return
        key = (call.api, call.status)
        tally = self.overflow.get(key, _Tally(0, call.called_at, 0.0))
        self.overflow[key] = _Tally(tally.calls + 1, tally.first_at, tally.latency_ms + call.latency_ms)

    async def start(self, pool: AsyncConnectionPool) -> None:
        self.pool = pool
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(FLUSH_SECONDS)
            try:
                async with asyncio.timeout(WRITE_TIMEOUT_SECONDS):
                    await self.flush()
            except Exception as exc:  # whatever the database or a row does, the writer goes on
                self._failed(exc)
            else:
                self._recovered()

    def _failed(self, exc: Exception) -> None:
        if self._failure is None:
            log.error("the call log cannot be written (%s: %s); data calls are refused until it can;"
                      " %d calls and %d nonces wait", type(exc).__name__, exc, len(self.pending),
                      len(self.nonces.unsaved))
        self._failure = "the call log cannot be written to the database"

    def _recovered(self) -> None:
        if self._failure is not None:
            log.warning("the call log is written again: data calls are answered again")
        self._failure = None

    async def flush(self) -> None:
        """Write the waiting calls and nonces in one transaction: all of them, or none and they wait."""
        calls, overflow, nonces = list(self.pending), dict(self.overflow), list(self.nonces.unsaved)
        async with self.pool.connection() as connection, connection.transaction():
            if calls:
                async with connection.cursor() as cursor, cursor.copy(
                    "copy api.calls (called_at, app_key, api, grant_id, params_digest, rows, latency_ms, status, error)"
                    " from stdin"
                ) as copy:
                    for call in calls:
                        await copy.write_row(_storable(call))
            for (api, status), tally in overflow.items():
                await connection.execute(
                    "insert into api.calls (called_at, api, latency_ms, status, error)"
                    " select %s, %s, %s, %s, %s from generate_series(1, %s)",
                    (tally.first_at, storable(api), tally.latency_ms / tally.calls, status,
                     "one of the calls kept only as a count while the call log could not be written", tally.calls),
                )
            await self.nonces.save(connection, nonces)
        del self.pending[: len(calls)]
        for key, tally in overflow.items():
            self._forget(key, tally)
        self.nonces.saved(len(nonces))

    def _forget(self, key: tuple[str, int], written: _Tally) -> None:
        now = self.overflow[key]
        left = now.calls - written.calls
        if left:
            self.overflow[key] = _Tally(left, now.first_at, now.latency_ms - written.latency_ms)
        else:
            del self.overflow[key]

    async def stop(self) -> None:
        """Stop the writer and write what waits; what cannot be written is said at ERROR."""
        if self._task:
            self._task.cancel()
        try:
            async with asyncio.timeout(WRITE_TIMEOUT_SECONDS):
                await self.flush()
        except Exception as exc:  # stopping anyway: say what is lost
            log.error("at stop the call log could not be written (%s: %s): %d calls and %d nonces are lost",
                      type(exc).__name__, exc, len(self.pending) + sum(t.calls for t in self.overflow.values()),
                      len(self.nonces.unsaved))


def _storable(call: Call) -> Call:
    return call._replace(app_key=storable(call.app_key), api=storable(call.api),
                         params_digest=storable(call.params_digest), error=storable(call.error))
