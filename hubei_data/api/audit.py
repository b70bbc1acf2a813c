"""The call log: every call, answered or refused, written in the background with the nonces, so calls do not wait."""

import asyncio
import datetime as dt
import hashlib
import json
from typing import NamedTuple

from psycopg_pool import AsyncConnectionPool

from hubei_data.api.guard import NonceBook

FLUSH_SECONDS = 0.2


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
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str, ensure_ascii=False).encode()).hexdigest()


class AuditLog:
    def __init__(self, pool: AsyncConnectionPool, nonces: NonceBook):
        self.pool, self.nonces = pool, nonces
        self.pending: list[Call] = []
        self._task: asyncio.Task | None = None

    def record(self, call: Call) -> None:
        self.pending.append(call)

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(FLUSH_SECONDS)
            await self.flush()

    async def flush(self) -> None:
        calls, self.pending = self.pending, []
        async with self.pool.connection() as connection:
            if calls:
                async with connection.cursor() as cursor, cursor.copy(
                    "copy api.calls (called_at, app_key, api, grant_id, params_digest, rows, latency_ms, status, error)"
                    " from stdin"
                ) as copy:
                    for call in calls:
                        await copy.write_row(call)
            await self.nonces.save(connection)

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
        await self.flush()
