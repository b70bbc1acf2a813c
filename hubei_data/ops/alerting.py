"""From conditions to alerts: one alert while a condition lasts, a "resolved" message when it clears.

A probe pass reports the conditions it found for the rules it checked; an open alert of a rule
that was checked and not found again is resolved. Each new or resolved alert queues a message to
its office's e-mail addresses and robot (the outbox delivers and retries them).
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import psycopg

from hubei_data.ops import outbox
from hubei_data.ops.channels import Message
from hubei_data.ops.contacts import Office

Severity = Literal["critical", "warning", "reminder"]
_LABEL = {"critical": "告警", "warning": "预警", "reminder": "提醒"}


@dataclass(frozen=True)
class Condition:
    """Something wrong (or due) now: which rule found it, about what, how bad, and whose office to tell."""

    rule: str
    target: str
    severity: Severity
    message: str
    office: str


@dataclass(frozen=True)
class Changes:
    opened: list[Condition]
    resolved: list[tuple[str, str]]


def evaluate(conn: psycopg.Connection, rules: Iterable[str], found: Iterable[Condition], offices: dict[str, Office],
             now: dt.datetime) -> Changes:
    """Open alerts for new conditions, resolve those of the checked rules that are gone; queue their messages."""
    rules, found = set(rules), {(c.rule, c.target): c for c in found}
    with conn.transaction():
        conn.execute("select pg_advisory_xact_lock(hashtext('hubei_data.ops.alerts'))")
        open_alerts = {
            (rule, target): (alert_id, office, message)
            for alert_id, rule, target, office, message in conn.execute(
                "select alert_id, rule, target, office, message from ops.alerts"
                " where resolved_at is null and rule = any(%s)", (sorted(rules),))
        }
        opened = [condition for key, condition in found.items() if key not in open_alerts]
        for condition in opened:
            alert_id = conn.execute(
                "insert into ops.alerts (rule, target, severity, message, office, opened_at, last_seen)"
                " values (%s, %s, %s, %s, %s, %s, %s) returning alert_id",
                (condition.rule, condition.target, condition.severity, condition.message, condition.office, now, now),
            ).fetchone()[0]
            text = Message(f"[{_LABEL[condition.severity]}] {condition.message}",
                           f"{condition.message}\n规则: {condition.rule}\n对象: {condition.target}\n"
                           f"时间: {now.isoformat(timespec='seconds')}")
            outbox.enqueue(conn, alert_id, "firing", offices.get(condition.office), text, now)
        conn.execute("update ops.alerts set last_seen = %s where resolved_at is null and (rule, target) in"
                     " (select * from unnest(%s::text[], %s::text[]))",
                     (now, [k[0] for k in found if k in open_alerts], [k[1] for k in found if k in open_alerts]))
        resolved = [key for key in open_alerts if key not in found]
        for key in resolved:
            alert_id, office, message = open_alerts[key]
            conn.execute("update ops.alerts set resolved_at = %s where alert_id = %s", (now, alert_id))
            text = Message(f"[恢复] {message}", f"已恢复: {message}\n规则: {key[0]}\n对象: {key[1]}\n"
                                                 f"时间: {now.isoformat(timespec='seconds')}")
            outbox.enqueue(conn, alert_id, "resolved", offices.get(office), text, now)
    return Changes(opened, resolved)


def alert_list(conn: psycopg.Connection, resolved_too: bool) -> list[dict]:
    """Open alerts, the most severe and oldest first; with `resolved_too`, then the latest 100 resolved."""
    cursor = conn.execute(
        "select alert_id, severity, rule, target, message, office, opened_at, resolved_at from ("
        " (select *, 0 as part from ops.alerts where resolved_at is null)"
        " union all (select *, 1 from ops.alerts where %s and resolved_at is not null"
        " order by resolved_at desc limit 100)) as listed"
        " order by part, array_position(array['critical', 'warning', 'reminder'], severity), opened_at",
        (resolved_too,),
    )
    names = [column.name for column in cursor.description]
    return [dict(zip(names, row)) for row in cursor]
