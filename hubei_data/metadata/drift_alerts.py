"""Drift findings as alerts to the source's owner: one alert per finding, told once, and again when it resolves."""

import datetime as dt

import psycopg

from hubei_data.contracts import SOURCES
from hubei_data.metadata import findings
from hubei_data.ops import alerting, contacts
from hubei_data.ops.contacts import OPERATIONS

RULE = "schema_drift"
_SEEN_IN = {findings.TABLE: "业务系统表", findings.FILE: "落地文件"}


def raise_alerts(conn: psycopg.Connection, now: dt.datetime | None = None) -> alerting.Changes:
    """Bring the alerts in line with the open findings: a new finding opens its alert (a message to the owning
    office queued in the outbox), a resolved one resolves it; a finding still open is not told again.

    Unreadable contacts tell no one but the alert list; the watcher reports the file itself.
    """
    try:
        offices = contacts.load()
    except contacts.ContactsError:
        offices = {}
    return alerting.evaluate(conn, {RULE}, [_condition(finding) for finding in findings.listed(conn)], offices,
                             now or dt.datetime.now(dt.UTC))


def _condition(finding: findings.Finding) -> alerting.Condition:
    source = SOURCES.get(finding.source)
    name = f"{finding.source}（{source.chinese}）" if source else finding.source
    effect = ("表已不存在，抽取将被拒绝" if any(d["kind"] == "table_removed" for d in finding.diff)
              else "缺少必填列，批次将被拒收" if finding.breaking else "数据照常接收")
    message = (f"数据源 {name}的{_SEEN_IN[finding.channel]}与登记结构不符（漂移 #{finding.finding_id}，{effect}）："
               f"{finding.summary()}")
    return alerting.Condition(RULE, f"{finding.source}#{finding.finding_id}",
                              "critical" if finding.breaking else "warning", message[:500],
                              source.owner if source else OPERATIONS)
