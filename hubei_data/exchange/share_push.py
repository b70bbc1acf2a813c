"""Pushing a subscription into its front-end database: only the approved fields and rows, logged."""

import datetime as dt
import time
from collections.abc import Callable, Iterator
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import TypeVar

import psycopg
from psycopg import sql

from hubei_data.control.schema import require_current
from hubei_data.exchange.push import Retry
from hubei_data.exchange.subscription import Subscription
from hubei_data.exchange.targets import LoadedBatch, Target, TargetUnavailable, roomy_temporary_tables
from hubei_data.ops.freezes import refuse_if_frozen
from hubei_data.row_filter import compile_filter

T = TypeVar("T")

BATCH_ROWS = 50_000
# Later batches double up to this: rows changed all over a table cost each batch a pass over its pages.
LARGEST_BATCH_ROWS = 400_000


@dataclass
class SharePushResult:
    subscription: str
    status: str
    rows: int = 0
    checksum: str = ""
    seconds: float = 0.0
    message: str = ""


def push_subscription(
    conn: psycopg.Connection, subscription: Subscription, target: Target, run_id: str,
    today: dt.date | None = None, retry: Retry = Retry(attempts=4, base_seconds=1.0),
    progress: Callable[[str], None] = lambda message: None,
) -> SharePushResult:
    """Push the subscription once and log it; an expired one pushes nothing and says so.

    Pushes of one subscription take turns; a push still marked running when the next one
    gets its turn was killed, and is marked failed. A frozen subscription pushes and logs nothing, and
    raises `Frozen`.
    """
    require_current(conn)
    refuse_if_frozen(conn, "subscription", subscription.id)
    today = today or dt.date.today()
    lock = f"hubei_data.share.{subscription.id}"
    conn.execute("select pg_advisory_lock(hashtext(%s))", (lock,))
    try:
        return _push(conn, subscription, target, run_id, today, retry, progress)
    finally:
        conn.rollback()
        conn.execute("drop table if exists pg_temp.push_rows")
        conn.execute("select pg_advisory_unlock(hashtext(%s))", (lock,))
        conn.commit()


def _push(conn, subscription: Subscription, target: Target, run_id: str, today: dt.date, retry: Retry,
          progress) -> SharePushResult:
    conn.execute(
        "update exchange.share_pushes set status = 'failed', finished_at = now(),"
        " error = 'interrupted: the push process ended before finishing'"
        " where subscription_id = %s and status = 'running'",
        (subscription.id,),
    )
    push_id = conn.execute(
        "insert into exchange.share_pushes (subscription_id, department, dataset, target_table, mode, run_id, status)"
        " values (%s, %s, %s, %s, %s, %s, 'running') returning push_id",
        (subscription.id, subscription.department, subscription.table, subscription.target_table,
         subscription.mode, run_id),
    ).fetchone()[0]
    conn.commit()
    started = time.monotonic()
    if not subscription.active_on(today):
        message = (f"validity {subscription.valid_from} to {subscription.valid_until} does not cover {today}: "
                   f"nothing pushed; renew the application ({subscription.file}) to resume")
        _finish(conn, push_id, "expired", 0, "", started, message)
        return SharePushResult(subscription.id, "expired", message=message)
    try:
        table = target.table(subscription.target_table, subscription.dataset, subscription.fields,
                             merged=subscription.mode == "upsert")
        _retrying(lambda: target.ensure(table), retry)
        if subscription.mode == "snapshot":
            rows, checksum = _snapshot(conn, subscription, target, table, retry)
        else:
            rows, checksum = _upsert(conn, subscription, target, table, retry, progress)
    except Exception as error:
        conn.rollback()
        _finish(conn, push_id, "failed", None, None, started, f"{type(error).__name__}: {error}"[:2000])
        raise
    seconds = _finish(conn, push_id, "succeeded", rows, checksum, started, None)
    return SharePushResult(subscription.id, "succeeded", rows, checksum, seconds)


def _finish(conn, push_id: int, status: str, rows, checksum, started: float, error) -> float:
    seconds = time.monotonic() - started
    conn.execute(
        "update exchange.share_pushes set status = %s, rows = %s, checksum = %s, error = %s,"
        " duration_seconds = %s, finished_at = now() where push_id = %s",
        (status, rows, checksum, error, seconds, push_id),
    )
    conn.commit()
    return seconds


def _retrying(action: Callable[[], T], retry: Retry) -> T:
    for attempt in range(1, retry.attempts + 1):
        try:
            return action()
        except TargetUnavailable:
            if attempt == retry.attempts:
                raise
            retry.sleep(retry.delay(attempt, None))


@dataclass
class StagedBatch:
    """Staged rows first to last, readable as Python rows or as PostgreSQL COPY text."""

    conn: psycopg.Connection
    fields: tuple[str, ...]
    first: int
    last: int

    def _select(self) -> sql.Composable:
        return sql.SQL("select {} from pg_temp.push_rows where _n between {} and {} order by _n").format(
            sql.SQL(", ").join(map(sql.Identifier, self.fields)), sql.Literal(self.first), sql.Literal(self.last)
        )

    def rows(self) -> list[tuple]:
        return self.conn.execute(self._select()).fetchall()

    def copy_text(self) -> Iterator[bytes]:
        with self.conn.cursor().copy(sql.SQL("copy ({}) to stdout").format(self._select())) as copy:
            yield from copy


def _in_push_order(subscription: Subscription, columns: list[str]) -> sql.Composable:
    """The columns to order by, text in byte order: the same on every server whatever its collation, and sorted in
    half the time of a language's collation."""
    types = {item.name: item.data_type for item in subscription.dataset.items}
    return sql.SQL(", ").join(
        sql.SQL('{} collate "C"').format(sql.Identifier(c)) if types.get(c) == "text" else sql.Identifier(c)
        for c in columns
    )


def _stage(conn, subscription: Subscription, after: sql.Composable, after_params: list, order: list[str]) -> int:
    """Copy the rows to push into a numbered scratch table, so batches are cheap slices of it.

    Analysed, so the planner knows the table lies in number order and reads each batch along its index; unanalysed,
    it guessed a few thousand rows and sorted every batch again, a third of a second for 400,000 rows.
    """
    where, params = compile_filter(subscription.conditions)
    extra_keys = [k for k in subscription.key if k not in subscription.fields]
    conn.execute("drop table if exists pg_temp.push_rows")
    roomy_temporary_tables(conn)
    staged = conn.execute(
        sql.SQL("create temp table push_rows as select row_number() over (order by {}) as _n, {}, _row_hash, _synced_at"
                " from share.{} where {} and {}").format(
            _in_push_order(subscription, order),
            sql.SQL(", ").join(map(sql.Identifier, [*subscription.fields, *extra_keys])),
            sql.Identifier(subscription.table), where, after,
        ),
        params + after_params,
    ).rowcount
    conn.execute("create index on pg_temp.push_rows (_n)")
    conn.execute("analyze pg_temp.push_rows")
    conn.commit()
    return staged


def _batches(conn, subscription: Subscription, staged: int) -> list[StagedBatch]:
    """The first batch is small, so a push commits rows soon; each later one twice the last, up to the largest."""
    batches, first, size = [], 1, BATCH_ROWS
    while first <= staged:
        batches.append(StagedBatch(conn, subscription.fields, first, min(first + size - 1, staged)))
        first, size = first + size, min(2 * size, LARGEST_BATCH_ROWS)
    return batches


def _checksum(conn) -> str:
    """md5 of the staged rows' digests in push order: equal checksums, equal content."""
    return conn.execute("select md5(coalesce(string_agg(_row_hash, '' order by _n), '')) from pg_temp.push_rows").fetchone()[0]


def _snapshot(conn, subscription: Subscription, target: Target, table, retry: Retry) -> tuple[int, str]:
    """Every row the subscription selects, replacing the table's content in one target transaction."""
    staged = _stage(conn, subscription, sql.SQL("true"), [], list(subscription.key))
    _retrying(lambda: target.replace(table, _batches(conn, subscription, staged)), retry)
    return staged, _checksum(conn)


def _upsert(conn, subscription: Subscription, target: Target, table, retry: Retry, progress) -> tuple[int, str]:
    """Rows changed since the watermark, in (sync time, key) order; the watermark moves after each batch."""
    keys = list(subscription.key)
    mark = conn.execute(
        "select synced_at, last_key from exchange.share_watermarks where subscription_id = %s", (subscription.id,)
    ).fetchone() or (dt.datetime.min.replace(tzinfo=dt.UTC), [""] * len(keys))
    after = sql.SQL("({}) > ({})").format(
        _in_push_order(subscription, ["_synced_at", *keys]),
        sql.SQL(", ").join(sql.Placeholder() * (1 + len(keys))),
    )
    staged = _stage(conn, subscription, after, [mark[0], *mark[1]], ["_synced_at", *keys])
    into_empty = target.is_empty(table)
    last_of_batch = sql.SQL("select _synced_at, array[{}]::text[] from pg_temp.push_rows where _n = %s").format(
        sql.SQL(", ").join(map(sql.Identifier, keys))
    )

    def written(batch: StagedBatch) -> None:
        synced_at, last_key = conn.execute(last_of_batch, (batch.last,)).fetchone()
        conn.execute(
            "insert into exchange.share_watermarks (subscription_id, synced_at, last_key) values (%s, %s, %s)"
            " on conflict (subscription_id) do update set synced_at = excluded.synced_at,"
            " last_key = excluded.last_key, updated_at = now()",
            (subscription.id, synced_at, last_key),
        )
        conn.commit()
        progress(f"{subscription.id}: {batch.last} rows written")

    _write_in_turn(_batches(conn, subscription, staged), target, table, into_empty, retry, written)
    return staged, _checksum(conn)


def _write_in_turn(batches: list[StagedBatch], target: Target, table, into_empty: bool, retry: Retry,
                   written: Callable[[StagedBatch], None]) -> None:
    """Write the batches in order, each committed before the next, loading each into the target while the ones
    before it are merged there (as many at once as the target takes): the source's read and the target's merges take
    turns no longer.

    `written` follows each commit, in order. A merge the target drops is tried again on its own, from loading on. When
    the push fails, the batches loaded or merged but not committed are rolled back.
    """
    in_flight: deque[tuple[StagedBatch, LoadedBatch, Future]] = deque()
    with ThreadPoolExecutor(max_workers=target.merges_at_once, thread_name_prefix="push-merge") as merger:
        try:
            for batch in batches:
                loaded = _retrying(lambda batch=batch: target.load(table, batch, into_empty), retry)
                in_flight.append((batch, loaded, merger.submit(loaded.merge)))
                if len(in_flight) > target.merges_at_once:
                    _settle(*in_flight.popleft(), target, table, into_empty, retry, written)
            while in_flight:
                _settle(*in_flight.popleft(), target, table, into_empty, retry, written)
        except BaseException:
            for _, loaded, merge in in_flight:
                if not merge.cancel():
                    wait([merge])
                loaded.abandon()
            raise


def _settle(batch: StagedBatch, loaded: LoadedBatch, merge: Future, target: Target, table, into_empty: bool,
            retry: Retry, written: Callable[[StagedBatch], None]) -> None:
    try:
        merge.result()
        loaded.commit()
    except TargetUnavailable:
        _retrying(lambda: target.upsert(table, batch, into_empty), retry)
    written(batch)
