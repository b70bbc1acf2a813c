"""The state of every subscription: last push, due or late, failed, expiring or expired."""

import datetime as dt
from dataclasses import dataclass

import psycopg
from croniter import croniter

from hubei_data.beijing_time import LOCAL
from hubei_data.control.schema import require_current
from hubei_data.exchange.subscription import Subscription

GRACE = dt.timedelta(hours=1)
EXPIRY_NOTICE_DAYS = 30


@dataclass(frozen=True)
class SubscriptionStatus:
    subscription: Subscription
    last_status: str | None
    last_push_at: dt.datetime | None
    last_rows: int | None
    last_error: str | None
    last_success_at: dt.datetime | None
    due_at: dt.datetime
    state: str


def subscription_status(conn: psycopg.Connection, subscription: Subscription, now: dt.datetime | None = None):
    """Failed: the last push failed. Late: a scheduled time passed an hour ago with no successful push since.
    Expiring: the validity ends within 30 days. Expired: pushes have stopped until the application is renewed."""
    require_current(conn)
    now = now or dt.datetime.now(LOCAL)
    last = conn.execute(
        "select status, started_at, rows, error from exchange.share_pushes where subscription_id = %s"
        " order by started_at desc, push_id desc limit 1",
        (subscription.id,),
    ).fetchone()
    success = conn.execute(
        "select max(started_at) from exchange.share_pushes where subscription_id = %s and status = 'succeeded'",
        (subscription.id,),
    ).fetchone()[0]
    conn.commit()
    due = croniter(subscription.schedule, now.astimezone(LOCAL)).get_prev(dt.datetime)
    today = now.astimezone(LOCAL).date()
    if not subscription.active_on(today):
        state = "expired" if today > subscription.valid_until else "not yet valid"
    elif last and last[0] == "failed":
        state = "failed"
    elif due < now - GRACE and (success is None or success < due) and due.date() >= subscription.valid_from:
        state = "late"
    elif subscription.valid_until - today <= dt.timedelta(days=EXPIRY_NOTICE_DAYS):
        state = "expiring"
    else:
        state = "ok" if success else "waiting for first run"
    return SubscriptionStatus(
        subscription, last[0] if last else None, last[1] if last else None, last[2] if last else None,
        last[3] if last else None, success, due, state,
    )
