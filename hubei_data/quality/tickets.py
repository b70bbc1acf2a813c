"""Rectification tickets (整改工单): one per source and rule, opened by the defects a build leaves in the quarantine,
routed to the source system's owner and vendor, moved on by people, closed by a recheck that passes.

Stages follow the incident model of data-quality tools: new → acknowledged → in progress → resolved, a person
resolving with a reason (fixed at source, false positive, accepted). After every build the recheck brings each
ticket in line with the quarantine: a defect without a ticket opens one; a ticket whose rows are all replaced
resolves itself (`recheck_passed`) and comes back if the defect does. A ticket a person resolved comes back only
when a later batch brings new rows of its defect: rows fixed at source are replaced when their new version lands,
and rows accepted or judged a false positive stay where they are. A jump in a column's profile opens a ticket
too (rule `profile_<metric>`); no recheck can tell it is over, so people resolve those. Failing asset checks
open tickets of their own (origin `check`, hubei_data.quality.check_tickets) through the same helpers.
"""

import datetime as dt
from dataclasses import dataclass

import psycopg
from psycopg.rows import class_row

from hubei_data.contracts import SOURCES
from hubei_data.contracts.sources import DECLARED
from hubei_data.control import audit_trail
from hubei_data.control.audit_chain import Action, Outcome
from hubei_data.quality import defects

STAGES = ("new", "acknowledged", "in_progress", "resolved")
STAGE_NAMES = {"new": "新建", "acknowledged": "已确认", "in_progress": "整改中", "resolved": "已解决"}
# What a person may move a ticket to from each stage; the recheck alone reopens one.
MOVES = {"new": ("acknowledged", "in_progress", "resolved"), "acknowledged": ("in_progress", "resolved"),
         "in_progress": ("resolved",), "resolved": ()}
REASONS = {"fixed_at_source": "源头已整改", "false_positive": "误报", "accepted": "接受现状"}
RECHECK = "recheck"
# Rules of tickets opened by column profiles rather than the quarantine; the recheck leaves them to people.
PROFILE = "profile_"
# Days to fix a reported problem, and a defect of a system that declares none (registry/sources/_systems.yaml).
DEFAULT_DAYS = 5


class TicketError(Exception):
    """A ticket that does not exist, or a move its stage does not allow, said in one line."""


@dataclass(frozen=True)
class Ticket:
    """A rule's defect in one source (origin `rule`: source is the source's name), an asset check that fails
    (origin `check`: source is the asset as `layer/name`, rule the check), or a problem a department reported
    (origin `report`: source is the share dataset, rule `feedback`)."""

    ticket_id: int
    origin: str
    source: str
    rule: str
    system: str | None
    owner: str
    vendor: str | None
    stage: str
    resolution: str | None
    affected_rows: int
    newest_batch: int | None
    first_seen: dt.datetime
    last_seen: dt.datetime
    opened_at: dt.datetime
    due_at: dt.datetime
    acknowledged_at: dt.datetime | None
    resolved_at: dt.datetime | None
    reopened: int
    reporter: str | None
    record_key: str | None
    report: str | None

    @property
    def overdue(self) -> bool:
        return self.stage != "resolved" and self.due_at < dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class Route:
    """Who fixes a ticket's problem: the source system (if any), the owner office, the vendor and the days."""

    system: str | None
    owner: str
    vendor: str | None
    days: int


@dataclass(frozen=True)
class Recheck:
    opened: list[int]
    updated: list[int]
    resolved: list[int]
    reopened: list[int]


def recheck(conn: psycopg.Connection, now: dt.datetime | None = None) -> Recheck:
    """Bring every ticket in line with the defects the quarantine holds now, in one transaction."""
    now = now or dt.datetime.now(dt.UTC)
    found = {(d.source, d.rule): d for d in defects.current(conn)}
    changed = {"opened": [], "updated": [], "reopened": []}
    resolved = []
    with conn.transaction():
        lock(conn)
        held = {(t.source, t.rule): t
                for t in select(conn, "where origin = 'rule' and not starts_with(rule, %s)", [PROFILE])}
        for key, defect in found.items():
            what, ticket_id = _bring(conn, held.get(key), defect, now)
            changed[what].append(ticket_id)
        for key, ticket in held.items():
            if key not in found and ticket.stage != "resolved":
                conn.execute("update ops.quality_tickets set stage = 'resolved', resolution = 'recheck_passed',"
                             " resolved_at = %s, affected_rows = 0 where ticket_id = %s", (now, ticket.ticket_id))
                step(conn, ticket.ticket_id, RECHECK, ticket.stage, "resolved", "recheck_passed", 0,
                      "复核通过：隔离区已无该规则的待整改记录", now)
                resolved.append(ticket.ticket_id)
    return Recheck(changed["opened"], changed["updated"], resolved, changed["reopened"])


def found_elsewhere(conn: psycopg.Connection, defect: defects.Defect, comment: str,
                    now: dt.datetime | None = None) -> tuple[str, int]:
    """A defect found outside the quarantine (a jump in a column profile, rule `profile_<metric>`): it opens its
    source's ticket for the rule, reopens a resolved one when a newer batch brings it, or updates an open one.
    The recheck leaves these tickets alone: people resolve them. Whether the ticket was opened, reopened or
    updated, and its id."""
    if not defect.rule.startswith(PROFILE):
        raise TicketError(f"rule {defect.rule!r}: defects found outside the quarantine have rules named {PROFILE}…")
    with conn.transaction():
        lock(conn)
        held = select(conn, "where origin = 'rule' and source = %s and rule = %s", [defect.source, defect.rule])
        return _bring(conn, held[0] if held else None, defect, now or dt.datetime.now(dt.UTC), comment)


def move(conn: psycopg.Connection, actor: audit_trail.Actor, ticket_id: int, stage: str,
         reason: str | None = None, comment: str | None = None) -> Ticket:
    """A person moves a ticket on; resolving needs a reason. Done with its audit row, or refused with one."""
    target = f"quality ticket {ticket_id}"
    try:
        with conn.transaction():
            ticket = _one(conn, ticket_id)
            _allowed(ticket, stage, reason)
            now = dt.datetime.now(dt.UTC)
            conn.execute(
                "update ops.quality_tickets set stage = %(stage)s,"
                " acknowledged_at = coalesce(acknowledged_at, %(now)s),"
                " resolution = %(reason)s, resolved_at = case when %(stage)s = 'resolved' then %(now)s end"
                " where ticket_id = %(id)s",
                {"stage": stage, "now": now, "reason": reason if stage == "resolved" else None, "id": ticket_id})
            step(conn, ticket_id, actor.name, ticket.stage, stage, reason, ticket.affected_rows, comment, now)
            audit_trail.append(conn, actor.name, actor.source, Action.CONFIG_CHANGE, target, Outcome.SUCCESS,
                               {"change": "quality ticket moved", "from": ticket.stage, "to": stage,
                                "reason": reason or "", "comment": comment or ""})
    except TicketError as error:
        audit_trail.append(conn, actor.name, actor.source, Action.CONFIG_CHANGE, target, Outcome.FAILURE,
                           {"change": "quality ticket moved", "to": stage, "error": str(error)})
        raise
    return _one(conn, ticket_id)


def report(conn: psycopg.Connection, actor: audit_trail.Actor, dataset: str, owner: str, problem: str,
           record_key: str | None = None, fix_within_days: int = DEFAULT_DAYS) -> Ticket:
    """A problem a department reports on a share dataset (or one record of it) as a ticket for the dataset's
    provider; the reporter follows it with `reported`."""
    now = dt.datetime.now(dt.UTC)
    with conn.transaction():
        ticket_id = conn.execute(
            "insert into ops.quality_tickets (origin, source, rule, owner, affected_rows, first_seen, last_seen,"
            " opened_at, due_at, reporter, record_key, report) values ('report', %s, 'feedback', %s, %s, %s, %s, %s,"
            " %s, %s, %s, %s) returning ticket_id",
            (dataset, owner, 0 if record_key is None else 1, now, now, now, now + dt.timedelta(days=fix_within_days),
             actor.name, record_key, problem),
        ).fetchone()[0]
        step(conn, ticket_id, actor.name, None, "new", None, 0 if record_key is None else 1, problem, now)
        audit_trail.append(conn, actor.name, actor.source, Action.CONFIG_CHANGE, f"quality ticket {ticket_id}",
                           Outcome.SUCCESS, {"change": "quality problem reported", "dataset": dataset,
                                             "record": record_key or ""})
    return _one(conn, ticket_id)


def reported(conn: psycopg.Connection, reporter: str, ticket_id: int | None = None) -> list[Ticket]:
    """The tickets a reporter opened (one, when asked by id), newest first; someone else's ticket is unknown."""
    found = select(conn, "where origin = 'report' and reporter = %s and (%s::bigint is null or ticket_id = %s)"
                          " order by ticket_id desc", [reporter, ticket_id, ticket_id])
    if ticket_id is not None and not found:
        raise TicketError(f"there is no quality ticket {ticket_id} reported by {reporter}")
    return found


def listed(conn: psycopg.Connection, stage: str | None = None, source: str | None = None) -> list[Ticket]:
    """Tickets, open ones first by due date, then resolved ones newest first."""
    conditions, values = [], []
    for column, value in (("stage", stage), ("source", source)):
        if value:
            conditions.append(f"{column} = %s")
            values.append(value)
    where = f"where {' and '.join(conditions)}" if conditions else ""
    return select(conn, f"{where} order by stage = 'resolved', due_at, resolved_at desc, ticket_id", values)


def steps(conn: psycopg.Connection, ticket_id: int) -> list[tuple]:
    """(at, actor, from, to, reason, rows affected, comment) for each step of the ticket, oldest first."""
    _one(conn, ticket_id)
    return conn.execute("select at, actor, stage_from, stage_to, resolution, affected_rows, comment"
                        " from ops.quality_ticket_steps where ticket_id = %s order by at, stage_to",
                        (ticket_id,)).fetchall()


def one(conn: psycopg.Connection, ticket_id: int) -> Ticket:
    return _one(conn, ticket_id)


def _allowed(ticket: Ticket, stage: str, reason: str | None) -> None:
    if stage not in STAGES:
        raise TicketError(f"unknown stage {stage!r}: the stages are {', '.join(STAGES)}")
    if stage not in MOVES[ticket.stage]:
        allowed = ", ".join(MOVES[ticket.stage]) or "nothing: the recheck reopens it when its defect returns"
        raise TicketError(f"ticket {ticket.ticket_id} is {ticket.stage}; it may move to {allowed}, not {stage}")
    if stage == "resolved" and reason not in REASONS:
        raise TicketError(f"resolving ticket {ticket.ticket_id} needs a reason: {', '.join(REASONS)}")
    if stage != "resolved" and reason is not None:
        raise TicketError("a reason is given only when resolving a ticket")


def lock(conn) -> None:
    """Held until the transaction ends, so two rechecks never open the same ticket twice."""
    conn.execute("select pg_advisory_xact_lock(hashtext('hubei_data.ops.quality_tickets'))")


def _bring(conn, ticket: Ticket | None, defect: defects.Defect, now: dt.datetime,
           comment: str | None = None) -> tuple[str, int]:
    """Open, reopen or update the ticket of a defect found now; what was done, and the ticket's id."""
    if ticket is None:
        return "opened", open_ticket(conn, defect, now, comment)
    if ticket.stage == "resolved" and (ticket.resolution == "recheck_passed"
                                       or defect.newest_batch > ticket.newest_batch):
        reopen(conn, ticket, defect, now, comment)
        return "reopened", ticket.ticket_id
    conn.execute("update ops.quality_tickets set affected_rows = %s, newest_batch = %s, last_seen = %s"
                 " where ticket_id = %s", (defect.rows, defect.newest_batch, defect.last_seen, ticket.ticket_id))
    return "updated", ticket.ticket_id


def source_route(name: str) -> Route:
    """A source's system, its owner office and vendor, and the days the system declares for a fix."""
    source = SOURCES[name]
    system = DECLARED.systems[source.system_code]
    return Route(source.system_code, source.owner, system.vendor, system.fix_within_days)


def open_ticket(conn, defect: defects.Defect, now: dt.datetime, comment: str | None, origin: str = "rule",
                route: Route | None = None) -> int:
    """A new ticket for a defect, routed to its source's owner unless another route is given; its id."""
    route = route or source_route(defect.source)
    ticket_id = conn.execute(
        "insert into ops.quality_tickets (origin, source, rule, system, owner, vendor, affected_rows, newest_batch,"
        " first_seen, last_seen, opened_at, due_at) values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
        " returning ticket_id",
        (origin, defect.source, defect.rule, route.system, route.owner, route.vendor, defect.rows,
         defect.newest_batch, defect.first_seen, defect.last_seen, now, now + dt.timedelta(days=route.days)),
    ).fetchone()[0]
    step(conn, ticket_id, RECHECK, None, "new", None, defect.rows,
          comment or f"构建发现 {defect.rows} 条记录违反规则 {defect.rule}", now)
    return ticket_id


def reopen(conn, ticket: Ticket, defect: defects.Defect, now: dt.datetime, comment: str | None) -> None:
    """A resolved ticket back to `new`, due anew, with the defect's rows and times as found now."""
    days = DECLARED.systems[ticket.system].fix_within_days if ticket.system in DECLARED.systems else DEFAULT_DAYS
    conn.execute(
        "update ops.quality_tickets set stage = 'new', resolution = null, resolved_at = null, acknowledged_at = null,"
        " affected_rows = %s, newest_batch = %s, last_seen = %s, due_at = %s, reopened = reopened + 1"
        " where ticket_id = %s",
        (defect.rows, defect.newest_batch, defect.last_seen, now + dt.timedelta(days=days), ticket.ticket_id))
    step(conn, ticket.ticket_id, RECHECK, "resolved", "new", None, defect.rows,
          comment or f"问题复现：{defect.rows} 条记录仍违反规则 {defect.rule}", now)


def step(conn, ticket_id: int, actor: str, stage_from: str | None, stage_to: str, resolution: str | None,
          rows: int, comment: str | None, at: dt.datetime) -> None:
    conn.execute("insert into ops.quality_ticket_steps (ticket_id, at, actor, stage_from, stage_to, resolution,"
                 " affected_rows, comment) values (%s, %s, %s, %s, %s, %s, %s, %s)",
                 (ticket_id, at, actor, stage_from, stage_to, resolution, rows, comment))


def _one(conn, ticket_id: int) -> Ticket:
    found = select(conn, "where ticket_id = %s", [ticket_id])
    if not found:
        raise TicketError(f"there is no quality ticket {ticket_id}: `hubei-data quality tickets` lists them")
    return found[0]


_FIELDS = ", ".join(Ticket.__dataclass_fields__)


def select(conn, tail: str, values: list | None = None) -> list[Ticket]:
    with conn.cursor(row_factory=class_row(Ticket)) as cursor:
        return cursor.execute(f"select {_FIELDS} from ops.quality_tickets {tail}", values or []).fetchall()
