"""The recheck after every build: tickets brought in line with the quarantine and the latest evaluation of
every asset check, their owners told. A check evaluated in a step after this one is ticketed by the next build."""

import datetime as dt

import dagster as dg
import psycopg

from hubei_data import runner
from hubei_data.ops import alerting, contacts
from hubei_data.quality import check_tickets, tickets
from hubei_data.resources import WarehouseResource

RULE = "quality_ticket"
QUARANTINE = dg.AssetKey(["quarantine", "issues"])
# After the profiles, so the tickets their jumps open are alerted in the same build.
PROFILES = dg.AssetKey(["quality", "profiles"])


@dg.asset(key=["quality", "tickets"], deps=[QUARANTINE, PROFILES], group_name="quality", kinds={"postgres"})
def quality_tickets(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Rectification tickets (整改工单): one per source and rule whose rows the quarantine holds and one per
    failing asset check, opened, updated, resolved or reopened by this build's recheck, and each open ticket an
    alert to the owning office."""
    evaluations = check_tickets.latest(context.instance, runner.definitions().resolve_asset_graph().asset_check_keys)
    with warehouse.connect() as conn:
        by_rule = tickets.recheck(conn)
        by_check = check_tickets.sync(conn, evaluations)
        raise_alerts(conn)
        held = tickets.listed(conn)
    changed = {label: getattr(by_rule, label) + getattr(by_check, label)
               for label in ("opened", "resolved", "reopened")}
    for label, ids in changed.items():
        if ids:
            context.log.info(f"quality tickets {label}: {', '.join(map(str, ids))}")
    return dg.MaterializeResult(metadata={
        "open": sum(t.stage != "resolved" for t in held),
        "overdue": sum(t.overdue for t in held),
    } | {label: len(ids) for label, ids in changed.items()})


def raise_alerts(conn: psycopg.Connection, now: dt.datetime | None = None) -> alerting.Changes:
    """One alert per open ticket to the source's owning office, told when it opens and when it resolves."""
    try:
        offices = contacts.load()
    except contacts.ContactsError:
        offices = {}
    found = [alerting.Condition(RULE, f"ticket#{t.ticket_id}", "warning", _message(t), t.owner)
             for t in tickets.listed(conn) if t.stage != "resolved"]
    return alerting.evaluate(conn, {RULE}, found, offices, now or dt.datetime.now(dt.UTC))


def _message(ticket: tickets.Ticket) -> str:
    vendor = f"，请{ticket.vendor}在源头整改" if ticket.vendor else ""
    problem = (f"资产 {ticket.source} 的检查 {ticket.rule} 未通过" if ticket.origin == "check"
               else f"数据源 {ticket.source} 有 {ticket.affected_rows} 条记录违反规则 {ticket.rule}")
    return f"整改工单 #{ticket.ticket_id}：{problem}{vendor}，期限 {ticket.due_at:%Y-%m-%d}"[:500]
