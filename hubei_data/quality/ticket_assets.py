"""The recheck after every build: tickets brought in line with the quarantine, their owners told."""

import datetime as dt

import dagster as dg
import psycopg

from hubei_data.ops import alerting, contacts
from hubei_data.quality import tickets
from hubei_data.resources import WarehouseResource

RULE = "quality_ticket"
QUARANTINE = dg.AssetKey(["quarantine", "issues"])
# After the profiles, so the tickets their jumps open are alerted in the same build.
PROFILES = dg.AssetKey(["quality", "profiles"])


@dg.asset(key=["quality", "tickets"], deps=[QUARANTINE, PROFILES], group_name="quality", kinds={"postgres"})
def quality_tickets(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Rectification tickets (整改工单): one per source and rule whose rows the quarantine holds, opened, updated,
    resolved or reopened by this build's recheck, and each open ticket an alert to the owning office."""
    with warehouse.connect() as conn:
        changed = tickets.recheck(conn)
        raise_alerts(conn)
        held = tickets.listed(conn)
    for label, ids in (("opened", changed.opened), ("resolved", changed.resolved), ("reopened", changed.reopened)):
        if ids:
            context.log.info(f"quality tickets {label}: {', '.join(map(str, ids))}")
    return dg.MaterializeResult(metadata={
        "open": sum(t.stage != "resolved" for t in held),
        "overdue": sum(t.overdue for t in held),
        "opened": len(changed.opened), "resolved": len(changed.resolved), "reopened": len(changed.reopened),
    })


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
    return (f"整改工单 #{ticket.ticket_id}：数据源 {ticket.source} 有 {ticket.affected_rows} 条记录违反规则 {ticket.rule}"
            f"{vendor}，期限 {ticket.due_at:%Y-%m-%d}")[:500]
