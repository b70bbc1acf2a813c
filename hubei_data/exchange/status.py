"""The state of every feed: what awaits acknowledgement, what was rejected, whether the SLA holds."""

from dataclasses import dataclass

import psycopg

from hubei_data.control.schema import require_current
from hubei_data.exchange.feeds import FEEDS, Feed
from hubei_data.exchange.push import changes_query


@dataclass(frozen=True)
class FeedStatus:
    feed: str
    records: int
    acknowledged: int
    waiting: int
    overdue: int
    rejected: int
    pending_batches: int
    last_acknowledged_at: object

    @property
    def state(self) -> str:
        if self.overdue:
            return "overdue"
        if self.pending_batches or self.waiting:
            return "waiting"
        return "up to date"


def feed_status(conn: psycopg.Connection, feed: Feed) -> FeedStatus | None:
    """None when the feed's share dataset has not been built yet."""
    require_current(conn)
    if conn.execute("select to_regclass(%s)", (f"share.{feed.dataset}",)).fetchone()[0] is None:
        return None
    records = conn.execute(f"select count(*) from ({feed.query}) as f").fetchone()[0]
    waiting, overdue = conn.execute(
        f"select count(*), count(*) filter (where changed_at < now() - make_interval(hours => %s))"
        f" from ({changes_query(feed)}) as c",
        (feed.sla_hours,),
    ).fetchone()
    acknowledged, last = conn.execute(
        "select count(*), max(acked_at) from exchange.bureau_records where feed = %s", (feed.name,)
    ).fetchone()
    rejected = conn.execute(
        "select count(distinct record_key) from exchange.bureau_rejections where feed = %s", (feed.name,)
    ).fetchone()[0]
    pending = conn.execute(
        "select count(*) from exchange.bureau_batches where feed = %s and status = 'pending'", (feed.name,)
    ).fetchone()[0]
    conn.commit()
    return FeedStatus(feed.name, records, acknowledged, waiting, overdue, rejected, pending, last)


def all_feed_status(conn: psycopg.Connection) -> list[FeedStatus | None]:
    return [feed_status(conn, feed) for feed in FEEDS.values()]
