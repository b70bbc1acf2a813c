"""Rectification tickets for failing asset checks (origin `check`): dbt tests, pandera schemas, schema drift,
catalog links, freshness and the three lists each open a ticket while they fail, as quarantined rules do.

The recheck reads the latest evaluation of every check Dagster holds: a failing check opens its ticket (source
the asset as `layer/name`, rule the check) or updates it; a passing one resolves it (`recheck_passed`), and it
reopens when the check fails again. A ticket a person resolved stays resolved while the check keeps failing and
reopens only when the check passed after that and fails again. A check whose latest evaluation is still
running, or that never ran, leaves its ticket as it is.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import dagster as dg
import psycopg
from dagster._core.storage.asset_check_execution_record import AssetCheckExecutionRecordStatus

from hubei_data.catalog.library import PREFIXES
from hubei_data.catalog.share import DATASETS
from hubei_data.catalog.subject import SUBJECT_MODELS
from hubei_data.contracts import SOURCES
from hubei_data.ops.contacts import OPERATIONS
from hubei_data.quality import defects, tickets

# Layers whose tables are named after their source.
SOURCE_LAYERS = ("landing", "raw", "staging", "resource", "quarantine")
# Metadata of a failing evaluation that counts its rows: dbt's failed rows, pandera's failure cases.
FAILED_ROWS = ("dagster_dbt/failed_row_count", "failures")
_PROVIDERS = {("subject", model.name.removeprefix(PREFIXES["subject"])): model.provider for model in SUBJECT_MODELS}
_PROVIDERS |= {("share", name): dataset.provider for name, dataset in DATASETS.items()}


@dataclass(frozen=True)
class Evaluation:
    """A check's latest finished evaluation: the asset as `layer/name`, the check, whether it passed, the rows it
    found failing (0 when it does not count them), when it ran and when it last passed."""

    asset: str
    check: str
    passed: bool
    failed_rows: int
    at: dt.datetime
    last_passed: dt.datetime | None = None


def latest(instance: dg.DagsterInstance, keys: Iterable[dg.AssetCheckKey]) -> list[Evaluation]:
    """The latest finished evaluation of each check; checks planned or running now, and never run, are left out."""
    storage = instance.event_log_storage
    found = []
    for key, record in storage.get_latest_asset_check_execution_by_key(list(keys)).items():
        evaluation = record.event.asset_check_evaluation if record.event else None
        if record.status not in (AssetCheckExecutionRecordStatus.SUCCEEDED,
                                 AssetCheckExecutionRecordStatus.FAILED) or evaluation is None:
            continue
        last_passed = None
        if not evaluation.passed:
            passes = storage.get_asset_check_execution_history(
                key, limit=1, status={AssetCheckExecutionRecordStatus.SUCCEEDED})
            last_passed = _moment(passes[0].event.timestamp) if passes and passes[0].event else None
        found.append(Evaluation("/".join(key.asset_key.path), key.name, evaluation.passed,
                                _failed_rows(evaluation.metadata), _moment(record.event.timestamp), last_passed))
    return found


def sync(conn: psycopg.Connection, evaluations: Iterable[Evaluation],
         now: dt.datetime | None = None) -> tickets.Recheck:
    """Bring the tickets of the evaluated checks in line with their evaluations, in one transaction; tickets of
    checks not evaluated are left as they are."""
    now = now or dt.datetime.now(dt.UTC)
    changed = {"opened": [], "updated": [], "resolved": [], "reopened": []}
    with conn.transaction():
        tickets.lock(conn)
        held = {(t.source, t.rule): t for t in tickets.select(conn, "where origin = 'check'")}
        for evaluation in evaluations:
            what = _bring(conn, held.get((evaluation.asset, evaluation.check)), evaluation, now)
            if what:
                changed[what[0]].append(what[1])
    return tickets.Recheck(**changed)


def route(asset: str) -> tickets.Route:
    """A source's asset to the source's system, owner and vendor; a subject model or share dataset to its
    provider; anything else to the operations office."""
    layer, _, name = asset.partition("/")
    if layer in SOURCE_LAYERS and name in SOURCES:
        return tickets.source_route(name)
    return tickets.Route(None, _PROVIDERS.get((layer, name), OPERATIONS), None, tickets.DEFAULT_DAYS)


def _bring(conn, ticket: tickets.Ticket | None, evaluation: Evaluation, now: dt.datetime) -> tuple[str, int] | None:
    """Open, update, resolve or reopen the check's ticket; what was done and the ticket's id, or None."""
    if evaluation.passed:
        if ticket is None or ticket.stage == "resolved":
            return None
        conn.execute("update ops.quality_tickets set stage = 'resolved', resolution = 'recheck_passed',"
                     " resolved_at = %s, affected_rows = 0 where ticket_id = %s", (now, ticket.ticket_id))
        tickets.step(conn, ticket.ticket_id, tickets.RECHECK, ticket.stage, "resolved", "recheck_passed", 0,
                     f"复核通过：检查 {evaluation.check} 已通过", now)
        return "resolved", ticket.ticket_id
    found = defects.Defect(evaluation.asset, evaluation.check, evaluation.failed_rows, None,
                           evaluation.at, evaluation.at)
    if ticket is None:
        return "opened", tickets.open_ticket(conn, found, now, f"检查 {evaluation.check} 未通过", "check",
                                             route(evaluation.asset))
    if ticket.stage == "resolved":
        passed_since = (evaluation.last_passed is not None and evaluation.last_passed > ticket.resolved_at)
        if ticket.resolution != "recheck_passed" and not passed_since:
            return None
        tickets.reopen(conn, ticket, found, now, f"问题复现：检查 {evaluation.check} 再次未通过")
        return "reopened", ticket.ticket_id
    conn.execute("update ops.quality_tickets set affected_rows = %s, last_seen = greatest(last_seen, %s)"
                 " where ticket_id = %s", (found.rows, found.last_seen, ticket.ticket_id))
    return "updated", ticket.ticket_id


def _failed_rows(metadata) -> int:
    for name in FAILED_ROWS:
        value = getattr(metadata.get(name), "value", None)
        if isinstance(value, int) and value >= 0:
            return value
    return 0


def _moment(timestamp: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(timestamp, dt.UTC)
