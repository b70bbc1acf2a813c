"""Who may call what: consumer secrets and approved grants kept current, nonces, per-grant rate limits."""

import asyncio
import datetime as dt
import logging
import time

import psycopg

from hubei_data.api.spec import ApiSpec
from hubei_data.api.store import GRANT_CHANNEL, Grant, approved_grants
from hubei_data.api.vault import Vault, VaultError
from hubei_data.signing import MAX_SKEW_SECONDS

log = logging.getLogger(__name__)
PRUNE_SECONDS = 10
RECONNECT_SECONDS = 1
class GrantBook:
    """Secrets and approved grants in memory, reloaded whenever an administrator changes one.

    Every change to consumers or grants notifies `api_grants`; the book listens and reloads, so a
    revocation stops the very next call.
    """

    def __init__(self, url: str, specs: dict[str, ApiSpec], vault: Vault):
        self.url, self.specs, self.vault = url, specs, vault
        self.secrets: dict[str, str] = {}
        self.grants: dict[tuple[str, str], Grant] = {}
        self.problem: str | None = None
        self._listener: asyncio.Task | None = None

    def reload(self) -> None:
        """A consumer whose secret does not decrypt under this key is left out, and said so:
        its calls are refused as from an unknown key, while everyone else is served."""
        secrets = {}
        with psycopg.connect(self.url) as conn:
            for key, token in conn.execute("select app_key, secret_encrypted from api.consumers").fetchall():
                try:
                    secrets[key] = self.vault.decrypt(bytes(token))
                except VaultError:
                    log.warning("consumer %s: secret does not decrypt with this HUBEI_DATA_API_KEY; refused", key)
            self.secrets = secrets
            self.grants = approved_grants(conn, self.specs)

    async def start(self) -> None:
        self._listener = asyncio.create_task(self._hear(await self._listening()))

    async def _listening(self) -> psycopg.AsyncConnection:
        """A connection listening for changes, then a reload: nothing changed in between is missed."""
        connection = await psycopg.AsyncConnection.connect(self.url, autocommit=True)
        try:
            await connection.execute(f"listen {GRANT_CHANNEL}")
            await asyncio.to_thread(self.reload)
        except BaseException:
            await connection.close()
            raise
        return connection

    async def _hear(self, connection: psycopg.AsyncConnection) -> None:
        """Reload on every change; when the connection is lost, refuse calls until listening again.

        A revocation not heard would leave a revoked consumer served, so while deaf the service is
        unavailable rather than out of date.
        """
        while True:
            try:
                async with connection:
                    async for _ in connection.notifies():
                        await asyncio.to_thread(self.reload)
                        log.info("grants reloaded: %d approved", len(self.grants))
            except Exception as exc:  # whatever broke the connection or the reload, listen again
                log.error("grant changes can no longer be heard (%s: %s); data calls are refused until they can",
                          type(exc).__name__, exc)
            self.problem = "changes to grants cannot be heard from the database, so a revocation could be missed"
            connection = await self._reconnect()
            self.problem = None
            log.warning("grant changes are heard again: data calls are answered again")

    async def _reconnect(self) -> psycopg.AsyncConnection:
        while True:
            await asyncio.sleep(RECONNECT_SECONDS)
            try:
                return await self._listening()
            except Exception as exc:  # still away: try again
                log.debug("grant listener still cannot connect: %s", exc)

    async def stop(self) -> None:
        if self._listener:
            self._listener.cancel()

    def grant(self, app_key: str, api: str, today: dt.date | None = None) -> tuple[Grant | None, str]:
        """The consumer's grant for the API in force today, or None and why not."""
        grant = self.grants.get((app_key, api))
        if grant is None:
            return None, f"no approved grant for {api}: apply for it, and wait for an administrator to approve"
        today = today or dt.date.today()
        if not grant.valid_from <= today <= grant.valid_until:
            return None, f"the grant for {api} is valid {grant.valid_from} to {grant.valid_until}, not today"
        return grant, ""


class RateLimiter:
    """A token bucket per grant: rate_per_minute calls a minute, in bursts of at most that many."""

    def __init__(self):
        self._buckets: dict[int, tuple[float, float]] = {}

    def allow(self, grant: Grant, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        tokens, last = self._buckets.get(grant.grant_id, (float(grant.rate_per_minute), now))
        tokens = min(float(grant.rate_per_minute), tokens + (now - last) * grant.rate_per_minute / 60)
        if tokens < 1:
            self._buckets[grant.grant_id] = (tokens, now)
            return False
        self._buckets[grant.grant_id] = (tokens - 1, now)
        return True


class NonceBook:
    """Nonces seen within twice the allowed clock skew (older ones fail the timestamp check anyway).

    Checked in memory, so a call costs no extra database round trip; saved to api.nonces with
    the call log and loaded at start, so a restart cannot be used to replay. One service process
    holds the book: run one `hubei-data serve` per database.
    """

    def __init__(self):
        self.seen: dict[tuple[str, str], float] = {}
        self.unsaved: list[tuple[str, str, dt.datetime]] = []
        self._pruned = time.monotonic()

    def first_use(self, app_key: str, nonce: str) -> bool:
        key = (app_key, nonce)
        if key in self.seen:
            return False
        self.seen[key] = time.time()
        self.unsaved.append((*key, dt.datetime.now(dt.UTC)))
        return True

    def load(self, conn: psycopg.Connection) -> None:
        rows = conn.execute(
            "select app_key, nonce, extract(epoch from seen_at) from api.nonces"
            " where seen_at > now() - make_interval(secs => %s)", (2 * MAX_SKEW_SECONDS,)
        ).fetchall()
        self.seen.update({(key, nonce): float(at) for key, nonce, at in rows})

    async def save(self, connection: psycopg.AsyncConnection, rows: list[tuple[str, str, dt.datetime]]) -> None:
        """Write these nonces (again, harmlessly, after a failed attempt), and forget those too old to matter."""
        if rows:
            await connection.execute(
                "insert into api.nonces (app_key, nonce, seen_at)"
                " select * from unnest(%s::text[], %s::text[], %s::timestamptz[]) on conflict do nothing",
                [list(column) for column in zip(*rows)],
            )
        if time.monotonic() - self._pruned < PRUNE_SECONDS:
            return
        self._pruned = time.monotonic()
        horizon = time.time() - 2 * MAX_SKEW_SECONDS
        self.seen = {k: at for k, at in self.seen.items() if at > horizon}
        await connection.execute(
            "delete from api.nonces where seen_at < now() - make_interval(secs => %s)", (2 * MAX_SKEW_SECONDS,)
        )

    def saved(self, count: int) -> None:
        """The first `count` unsaved nonces are in the database now."""
        del self.unsaved[:count]
