"""Pushing a feed to the bureau exactly once in effect: persisted batches, retries, receipts applied."""

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import psycopg

from hubei_data.control.schema import require_current
from hubei_data.exchange.bureau import Bureau, BureauUnavailable, Receipt, Record
from hubei_data.exchange.feeds import Feed
from hubei_data.ops.freezes import refuse_if_frozen


@dataclass(frozen=True)
class Retry:
    """Exponential backoff: `attempts` tries, waiting base, 2·base, 4·base… (capped) between them."""

    attempts: int = 6
    base_seconds: float = 0.5
    cap_seconds: float = 30.0
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)

    def delay(self, attempt: int, retry_after: float | None) -> float:
        return max(min(self.base_seconds * 2 ** (attempt - 1), self.cap_seconds), retry_after or 0)


@dataclass
class PushResult:
    feed: str
    batches: int = 0
    resumed_batches: int = 0
    records: int = 0
    accepted: int = 0
    rejected: int = 0
    attempts: int = 0


def changes_query(feed: Feed) -> str:
    """Records whose digest the bureau has not acknowledged, leaving out those it rejected as they are."""
    return f"""
        select r.record_key, r.data, r.record_hash, r.changed_at
        from (
            select q.record_key, q.changed_at, q.data::text as data, md5(q.data::text) as record_hash
            from (
                select f.record_key, f._synced_at as changed_at,
                       to_jsonb(f) - 'record_key' - '_synced_at' as data
                from ({feed.query}) as f
            ) as q
        ) as r
        left join exchange.bureau_records as b on b.feed = '{feed.name}' and b.record_key = r.record_key
        left join exchange.bureau_rejections as x
            on x.feed = '{feed.name}' and x.record_key = r.record_key and x.record_hash = r.record_hash
        where (b.record_key is null or b.acked_hash <> r.record_hash) and x.record_key is null
    """


def push_feed(
    conn: psycopg.Connection, bureau: Bureau, feed: Feed, run_id: str, batch_size: int = 500,
    retry: Retry = Retry(), progress: Callable[[str], None] = lambda message: None,
) -> PushResult:
    """Send every unacknowledged change of the feed; batches left pending by an earlier push go first.

    Each batch is written to exchange.bureau_batches before it is sent and settled only when
    its receipt is applied, so a push killed at any point is finished by the next one with the
    same batch ids, which the bureau recognises: nothing is lost and nothing counted twice.
    A frozen feed sends nothing, not even pending batches, and raises `Frozen`.
    """
    require_current(conn)
    refuse_if_frozen(conn, "feed", feed.name)
    result = PushResult(feed.name)
    lock = f"hubei_data.bureau.{feed.name}"
    conn.execute("select pg_advisory_lock(hashtext(%s))", (lock,))
    conn.commit()
    try:
        for batch_id in _pending(conn, feed):
            result.resumed_batches += 1
            _deliver(conn, bureau, feed, batch_id, retry, result, progress)
        total = _collect_changes(conn, feed)
        progress(f"{feed.name}: {total} records new or changed since the bureau last acknowledged them")
        for first in range(1, total + 1, batch_size):
            batch_id = _log_batch(conn, feed, run_id, first, first + batch_size - 1)
            _deliver(conn, bureau, feed, batch_id, retry, result, progress)
    finally:
        conn.rollback()
        conn.execute("drop table if exists pg_temp.push_changes")
        conn.execute("select pg_advisory_unlock(hashtext(%s))", (lock,))
        conn.commit()
    return result


def _pending(conn: psycopg.Connection, feed: Feed) -> list[str]:
    rows = conn.execute(
        "select batch_id from exchange.bureau_batches where feed = %s and status = 'pending' order by created_at",
        (feed.name,),
    ).fetchall()
    conn.commit()
    return [batch_id for (batch_id,) in rows]


def _collect_changes(conn: psycopg.Connection, feed: Feed) -> int:
    """The changes to send, numbered in key order, in a table of this session."""
    with conn.transaction():
        conn.execute("drop table if exists pg_temp.push_changes")
        conn.execute(
            f"create temp table push_changes as select row_number() over (order by record_key) as n, c.*"
            f" from ({changes_query(feed)}) as c"
        )
        conn.execute("create index on pg_temp.push_changes (n)")
        return conn.execute("select count(*) from pg_temp.push_changes").fetchone()[0]


def _log_batch(conn: psycopg.Connection, feed: Feed, run_id: str, first: int, last: int) -> str:
    """Write changes first..last to the log as one pending batch, before anything is sent."""
    batch_id = f"{feed.name}-{uuid.uuid4().hex}"
    with conn.transaction():
        conn.execute(
            "insert into exchange.bureau_batches (batch_id, feed, run_id, records, status)"
            " values (%s, %s, %s, 0, 'pending')",
            (batch_id, feed.name, run_id),
        )
        added = conn.execute(
            "insert into exchange.bureau_batch_records (batch_id, record_key, record_hash, data)"
            " select %s, record_key, record_hash, data from pg_temp.push_changes where n between %s and %s",
            (batch_id, first, last),
        ).rowcount
        conn.execute("update exchange.bureau_batches set records = %s where batch_id = %s", (added, batch_id))
    return batch_id


def _deliver(conn, bureau: Bureau, feed: Feed, batch_id: str, retry: Retry, result: PushResult, progress) -> None:
    records = [
        Record(key, digest, data)
        for key, digest, data in conn.execute(
            "select record_key, record_hash, data from exchange.bureau_batch_records where batch_id = %s"
            " order by record_key",
            (batch_id,),
        ).fetchall()
    ]
    conn.commit()
    receipt = _send(conn, bureau, feed, batch_id, records, retry, result)
    _apply(conn, feed, batch_id, receipt)
    result.batches += 1
    result.records += len(records)
    result.accepted += receipt.received - len(receipt.rejected)
    result.rejected += len(receipt.rejected)
    progress(f"{feed.name}: batch {batch_id}: {len(records)} records, {len(receipt.rejected)} rejected")


def _send(conn, bureau: Bureau, feed: Feed, batch_id: str, records: list[Record], retry: Retry, result) -> Receipt:
    for attempt in range(1, retry.attempts + 1):
        result.attempts += 1
        conn.execute("update exchange.bureau_batches set attempts = attempts + 1 where batch_id = %s", (batch_id,))
        conn.commit()
        try:
            return bureau.send_batch(feed.name, batch_id, records)
        except BureauUnavailable as error:
            conn.execute("update exchange.bureau_batches set last_error = %s where batch_id = %s", (str(error), batch_id))
            conn.commit()
            if attempt == retry.attempts:
                raise
            retry.sleep(retry.delay(attempt, error.retry_after))
    raise AssertionError("unreachable")


def _apply(conn: psycopg.Connection, feed: Feed, batch_id: str, receipt: Receipt) -> None:
    """Record what the bureau now holds and what it rejected, and settle the batch, at once."""
    rejected = list(receipt.rejected)
    with conn.transaction():
        conn.execute(
            "insert into exchange.bureau_records (feed, record_key, acked_hash, batch_id, acked_at)"
            " select %s, record_key, record_hash, batch_id, now() from exchange.bureau_batch_records"
            " where batch_id = %s and record_key <> all(%s)"
            " on conflict (feed, record_key) do update set acked_hash = excluded.acked_hash,"
            " batch_id = excluded.batch_id, acked_at = excluded.acked_at",
            (feed.name, batch_id, rejected),
        )
        conn.execute(
            "insert into exchange.bureau_rejections (feed, record_key, record_hash, batch_id, reason, rejected_at)"
            " select %s, r.record_key, r.record_hash, r.batch_id, x.reason, now()"
            " from exchange.bureau_batch_records r join unnest(%s::text[], %s::text[]) as x(record_key, reason)"
            " using (record_key) where r.batch_id = %s"
            " on conflict (feed, record_key, record_hash) do update set reason = excluded.reason",
            (feed.name, rejected, [receipt.rejected[k] for k in rejected], batch_id),
        )
        conn.execute(
            "update exchange.bureau_batches set status = 'acknowledged', accepted = %s, rejected = %s,"
            " acknowledged_at = now(), last_error = null where batch_id = %s",
            (receipt.received - len(rejected), len(rejected), batch_id),
        )
