"""Messages waiting to be delivered: kept in the warehouse until a channel takes them, retried with backoff.

An SMTP server that is down or a webhook that answers 500 delays a message; nothing drops it.
"""

import datetime as dt
import os

import psycopg

from hubei_data.ops.channels import DeliveryError, Message, Smtp, post_webhook
from hubei_data.ops.contacts import Office

MAX_BACKOFF = dt.timedelta(hours=1)


def enqueue(conn: psycopg.Connection, alert_id: int | None, kind: str, office: Office | None, message: Message,
            now: dt.datetime) -> int:
    """Queue the message for each of the office's channels; how many deliveries were queued."""
    deliveries = [("email", address) for address in (office.emails if office else ())]
    if office and office.webhook_env:
        deliveries.append(("webhook", office.webhook_env))
    for channel, recipient in deliveries:
        conn.execute(
            "insert into ops.notifications (alert_id, kind, channel, recipient, subject, body, created_at,"
            " next_attempt_at) values (%s, %s, %s, %s, %s, %s, %s, %s)",
            (alert_id, kind, channel, recipient, message.subject, message.body, now, now),
        )
    return len(deliveries)


def deliver_due(conn: psycopg.Connection, smtp: Smtp | None, now: dt.datetime, limit: int = 100) -> tuple[int, int]:
    """Try every message that is due, one transaction each (a crash resends at most the message in hand);
    how many were delivered and how many wait for another try."""
    delivered = waiting = 0
    for _ in range(limit):
        with conn.transaction():
            row = conn.execute(
                "select notification_id, channel, recipient, subject, body, attempts from ops.notifications"
                " where sent_at is null and next_attempt_at <= %s order by notification_id limit 1"
                " for update skip locked", (now,),
            ).fetchone()
            if row is None:
                break
            notification_id, channel, recipient, subject, body, attempts = row
            try:
                _send(smtp, channel, recipient, Message(subject, body))
            except DeliveryError as error:
                backoff = min(dt.timedelta(minutes=2 ** min(attempts, 10)), MAX_BACKOFF)
                conn.execute("update ops.notifications set attempts = attempts + 1, last_error = %s,"
                             " next_attempt_at = %s where notification_id = %s",
                             (str(error)[:1000], now + backoff, notification_id))
                waiting += 1
            else:
                conn.execute("update ops.notifications set attempts = attempts + 1, sent_at = %s, last_error = null"
                             " where notification_id = %s", (now, notification_id))
                delivered += 1
    return delivered, waiting


def _send(smtp: Smtp | None, channel: str, recipient: str, message: Message) -> None:
    if channel == "email":
        if smtp is None:
            raise DeliveryError("no SMTP relay: set HUBEI_DATA_SMTP_HOST")
        smtp.send([recipient], message)
        return
    url = os.environ.get(recipient)
    if not url:
        raise DeliveryError(f"{recipient} is not set")
    post_webhook(url, message)
