"""Pushing a subscription into its front-end database: only the approved fields and rows, logged."""

import datetime as dt
import hashlib
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

import psycopg
from psycopg import sql

from hubei_data.control.schema import require_current
from hubei_data.exchange.push import Retry
from hubei_data.exchange.subscription import Subscription
from hubei_data.exchange.targets import LoadedBatch, Target, TargetUnavailable
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
class PushBatch:
    """Rows of a push in push order, readable as Python rows or as PostgreSQL COPY text; `through` counts the push's
    rows up to the batch's last, `end` is that row's sync time and key."""

    conn: psycopg.Connection
    select: sql.Composable
    params: list
    through: int
    end: tuple[dt.datetime, list[str]]

    def rows(self) -> list[tuple]:
        return self.conn.execute(self.select, self.params).fetchall()

    def copy_text(self) -> Iterator[bytes]:
        with self.conn.cursor().copy(sql.SQL("copy ({}) to stdout").format(self.select), self.params) as copy:
            yield from copy


class PushOrder:
    """The rows a push sends, in batches read by keyset in push order (sync time, then key in byte order) from one
    snapshot, along the share table's push-order index (dbt_project/macros/push_order.sql): the first batch leaves
    without waiting for every row to be sorted. The checksum grows as the batches are read.

    The first batch is small, so a push commits rows soon; each later one twice the last, up to the largest.
    """

    def __init__(self, reader: psycopg.Connection, subscription: Subscription,
                 after: tuple[dt.datetime, list[str]] | None):
        self.reader, self.subscription, self.after = reader, subscription, after
        self.rows, self._digest = 0, hashlib.md5()
        self._where, self._where_params = compile_filter(subscription.conditions)
        self._table = sql.SQL("share.{}").format(sql.Identifier(subscription.table))
        columns = _push_order_columns(subscription)
        self._order = sql.SQL(", ").join(columns)
        self._backwards = sql.SQL(", ").join(sql.SQL("{} desc").format(column) for column in columns)
        self._end_of_row = sql.SQL("_synced_at, array[{}]::text[]").format(
            sql.SQL(", ").join(map(sql.Identifier, subscription.key)))

    @property
    def checksum(self) -> str:
        """md5 of the pushed rows' digests in push order: equal checksums, equal content."""
        return self._digest.hexdigest()

    def __iter__(self) -> Iterator[PushBatch]:
        """Each pass from the start, as a snapshot push tried again makes: the count and checksum are of this one."""
        self.rows, self._digest = 0, hashlib.md5()
        after, size = self.after, BATCH_ROWS
        while (end := self._end(after, size)) is not None:
            where, params = self._between(after, end)
            count, digests = self.reader.execute(
                sql.SQL("select count(*), string_agg(_row_hash, '' order by {}) from {} where {}").format(
                    self._order, self._table, where), params).fetchone()
            self._digest.update(digests.encode())
            self.rows += count
            select = sql.SQL("select {} from {} where {} order by {}").format(
                sql.SQL(", ").join(map(sql.Identifier, self.subscription.fields)), self._table, where, self._order)
            yield PushBatch(self.reader, select, params, self.rows, end)
            after, size = end, min(2 * size, LARGEST_BATCH_ROWS)

    def _end(self, after, size: int) -> tuple[dt.datetime, list[str]] | None:
        """The sync time and key of the batch's last row: `size` rows on, or the last row of all."""
        where, params = self._between(after, None)
        found = self.reader.execute(sql.SQL("select {} from {} where {} order by {} offset %s limit 1").format(
            self._end_of_row, self._table, where, self._order), [*params, size - 1]).fetchone()
        return found or self.reader.execute(sql.SQL("select {} from {} where {} order by {} limit 1").format(
            self._end_of_row, self._table, where, self._backwards), params).fetchone()

    def _between(self, after, end) -> tuple[sql.Composable, list]:
        """The subscription's rows after one row's place in push order and up to another's."""
        where, params = [self._where], list(self._where_params)
        for operator, place in ((">", after), ("<=", end)):
            if place is not None:
                synced_at, key = place
                where.append(sql.SQL("({}) {} ({})").format(
                    self._order, sql.SQL(operator), sql.SQL(", ").join(sql.Placeholder() * (1 + len(key)))))
                params += [synced_at, *key]
        return sql.SQL(" and ").join(where), params


def _push_order_columns(subscription: Subscription) -> list[sql.Composable]:
    """Sync time, then the key, text in byte order: the same on every server whatever its collation, and sorted in
    half the time of a language's collation."""
    types = {item.name: item.data_type for item in subscription.dataset.items}
    return [sql.SQL('{} collate "C"').format(sql.Identifier(c)) if types.get(c) == "text" else sql.Identifier(c)
            for c in ("_synced_at", *subscription.key)]


@contextmanager
def _one_snapshot(conn: psycopg.Connection) -> Iterator[psycopg.Connection]:
    """A second session of `conn`'s role reading in one repeatable-read snapshot, so a push's batches and checksum
    are of the same rows however the share table changes meanwhile, while `conn` commits the watermark after each.

    It reads along indexes only: the planner cannot tell how few rows a range of push order holds (it judges a row
    comparison by its first column, and a build stamps all its rows with one sync time), and at ten million rows it
    read the whole table and sorted it for every batch, 1.4 s a query.
    """
    with psycopg.connect(conn.info.dsn, password=conn.info.password, autocommit=True) as reader:
        reader.execute("set enable_seqscan = off")
        reader.execute("set enable_sort = off")
        reader.autocommit = False
        reader.isolation_level, reader.read_only = psycopg.IsolationLevel.REPEATABLE_READ, True
        yield reader


def _snapshot(conn, subscription: Subscription, target: Target, table, retry: Retry) -> tuple[int, str]:
    """Every row the subscription selects, replacing the table's content in one target transaction."""
    with _one_snapshot(conn) as reader:
        rows = PushOrder(reader, subscription, None)
        _retrying(lambda: target.replace(table, rows), retry)
        return rows.rows, rows.checksum


def _upsert(conn, subscription: Subscription, target: Target, table, retry: Retry, progress) -> tuple[int, str]:
    """Rows changed since the watermark, in push order; the watermark moves after each batch."""
    mark = conn.execute(
        "select synced_at, last_key from exchange.share_watermarks where subscription_id = %s", (subscription.id,)
    ).fetchone()
    into_empty = target.is_empty(table)

    def written(batch: PushBatch) -> None:
        conn.execute(
            "insert into exchange.share_watermarks (subscription_id, synced_at, last_key) values (%s, %s, %s)"
            " on conflict (subscription_id) do update set synced_at = excluded.synced_at,"
            " last_key = excluded.last_key, updated_at = now()",
            (subscription.id, *batch.end),
        )
        conn.commit()
        progress(f"{subscription.id}: {batch.through} rows written")

    with _one_snapshot(conn) as reader:
        rows = PushOrder(reader, subscription, mark)
        _write_in_turn(rows, target, table, into_empty, retry, written)
        return rows.rows, rows.checksum


def _write_in_turn(batches: Iterable[PushBatch], target: Target, table, into_empty: bool, retry: Retry,
                   written: Callable[[PushBatch], None]) -> None:
    """Write the batches in order, each committed before the next, loading each into the target while the ones
    before it are merged there (as many at once as the target takes): the source's read and the target's merges take
    turns no longer.

    `written` follows each commit, in order. A merge the target drops is tried again on its own, from loading on. When
    the push fails, the batches loaded or merged but not committed are rolled back.
    """
    in_flight: deque[tuple[PushBatch, LoadedBatch, Future]] = deque()
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


def _settle(batch: PushBatch, loaded: LoadedBatch, merge: Future, target: Target, table, into_empty: bool,
            retry: Retry, written: Callable[[PushBatch], None]) -> None:
    try:
        merge.result()
        loaded.commit()
    except TargetUnavailable:
        _retrying(lambda: target.upsert(table, batch, into_empty), retry)
    written(batch)
