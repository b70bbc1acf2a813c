"""One pass of the watcher: probe everything, keep the samples, open and resolve alerts, deliver messages.

A probe that itself breaks becomes a finding, never the end of the pass: the watcher is what must
keep running when everything else does not.
"""

import datetime as dt
from dataclasses import dataclass
from functools import cache

import psycopg

from hubei_data import runner
from hubei_data.ops import alerting, contacts, freshness, outbox, probes
from hubei_data.ops.channels import Smtp
from hubei_data.ops.contacts import OPERATIONS


@cache
def _check_keys() -> frozenset:
    """Every asset check of the Definitions; read once, as loading them parses the dbt project."""
    return frozenset(runner.definitions().resolve_asset_graph().asset_check_keys)


@dataclass(frozen=True)
class Pass:
    samples: int
    opened: list[alerting.Condition]
    resolved: list[tuple[str, str]]
    delivered: int
    waiting: int


def watch_once(conn: psycopg.Connection, now: dt.datetime | None = None) -> Pass:
    """Probe, record, alert, deliver; `conn` is the owner's, in autocommit."""
    now = now or dt.datetime.now(dt.UTC)
    found = probes.Findings(rules={"probe_failed", "contacts_invalid"})
    for name, probe in (("host", probes.host), ("warehouse", lambda: probes.database(conn)),
                        ("endpoints", probes.endpoints), ("shares", lambda: probes.shares(conn, now)),
                        ("backups", lambda: probes.backups(conn)), ("grants", lambda: probes.grants(conn, now)),
                        ("api", lambda: probes.api_errors(conn, now)), ("bureau", lambda: probes.bureau_pushes(conn)),
                        ("licences", lambda: probes.licences_expiring(conn, now)),
                        ("quarantine", lambda: probes.quarantine_spikes(conn, now)),
                        ("runs", lambda: probes.failed_runs(runner.instance(), now)),
                        ("checks", lambda: probes.failed_checks(runner.instance(), _check_keys())),
                        ("freshness", lambda: freshness.stale_datasets(runner.instance(), now))):
        try:
            found.merge(probe())
        except Exception as error:  # noqa: BLE001 — a broken probe is reported, and the others still run
            found.conditions.append(alerting.Condition(
                "probe_failed", name, "warning", f"监控探针 {name} 出错：{type(error).__name__}: {error}"[:500],
                OPERATIONS))
    with conn.transaction():
        with conn.cursor() as cursor:
            cursor.executemany(
                "insert into ops.samples (at, probe, target, value, ok, detail) values (%s, %s, %s, %s, %s, %s)",
                [(now, s.probe, s.target, s.value, s.ok, s.detail) for s in found.samples],
            )
    try:
        offices = contacts.load()
    except contacts.ContactsError as error:
        offices = {}
        found.conditions.append(alerting.Condition("contacts_invalid", str(contacts.path()), "critical",
                                                   f"联系人配置有误，告警无法发送：{error}"[:500], OPERATIONS))
    changes = alerting.evaluate(conn, found.rules, found.conditions, offices, now)
    delivered, waiting = outbox.deliver_due(conn, Smtp.from_environment(), now)
    return Pass(len(found.samples), changes.opened, changes.resolved, delivered, waiting)
