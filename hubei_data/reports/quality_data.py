"""The weekly data-quality bulletin's numbers per source system: tickets open at the week's end, rows received and
flagged in the week, and how long the tickets resolved in the week took. Tickets of problems departments reported
on share datasets are their providers', not a source system's, and are left out."""

import statistics
from dataclasses import dataclass, field

import psycopg

from hubei_data.contracts import SOURCES
from hubei_data.reports import window_rows
from hubei_data.reports.periods import Week

# A ticket's stage at a moment is where its last step before then took it.
_TICKETS = """
with steps as (

    select * from ops.quality_ticket_steps where at < %(end)s

),

last_steps as (

    select distinct on (ticket_id) ticket_id, stage_to
    from steps
    order by ticket_id, at desc

),

tickets as (

    select ticket_id, source, rule, system, owner, opened_at, due_at from ops.quality_tickets
    where origin = 'rule'

),

final as (

    select tickets.*
    from tickets
    inner join last_steps on last_steps.ticket_id = tickets.ticket_id
    where last_steps.stage_to <> 'resolved'

)

select * from final order by system, source, rule
"""

# Days from a ticket's opening (or its latest reopening before then) to each resolution in the week.
_RESOLVED = """
with steps as (

    select * from ops.quality_ticket_steps

),

resolutions as (

    select ticket_id, at from steps
    where stage_to = 'resolved' and at >= %(start)s and at < %(end)s

),

final as (

    select
        tickets.system,
        extract(epoch from resolutions.at - (
            select max(openings.at) from steps as openings
            where openings.ticket_id = resolutions.ticket_id and openings.stage_to = 'new'
              and (openings.stage_from is null or openings.stage_from = 'resolved') and openings.at <= resolutions.at
        )) / 86400 as days
    from resolutions
    inner join ops.quality_tickets as tickets on tickets.ticket_id = resolutions.ticket_id
    where tickets.origin = 'rule'

)

select * from final
"""

_OPENED = """
select system, count(*) as opened from ops.quality_tickets
where origin = 'rule' and opened_at >= %(start)s and opened_at < %(end)s
group by system
"""

_RECEIVED = """
select source, coalesce(sum(row_count), 0)::bigint as rows from landing.batches
where status = 'loaded' and received_at >= %(start)s and received_at < %(end)s
group by source
"""

# Flagged rows of batches received in the week; a row breaking two rules is one row.
_FLAGGED = """
with batches as (

    select batch_id from landing.batches
    where received_at >= %(start)s and received_at < %(end)s

),

final as (

    select issues.source, count(distinct (issues.batch_id, issues.row_number)) as flagged
    from quarantine.issues as issues
    inner join batches on batches.batch_id = issues.batch_id
    group by issues.source

)

select * from final
"""


@dataclass
class SystemWeek:
    """One source system's week: the tickets open at its end, rows received and flagged, resolutions' days."""

    system: str
    open_tickets: list[dict] = field(default_factory=list)
    opened: int = 0
    received: int = 0
    flagged: int = 0
    fix_days: list[float] = field(default_factory=list)

    @property
    def defect_rate(self) -> float | None:
        return self.flagged / self.received if self.received else None

    @property
    def median_fix_days(self) -> float | None:
        return statistics.median(self.fix_days) if self.fix_days else None

    def rank_key(self) -> tuple:
        """Most open tickets first, then the highest defect rate, then the slowest to fix."""
        return (-len(self.open_tickets), -(self.defect_rate or 0), -(self.median_fix_days or 0), self.system)


def collect(conn: psycopg.Connection, week: Week) -> list[SystemWeek]:
    """Every system that sources are read from, ranked; a part whose tables do not exist yet counts nothing."""
    rows = window_rows.reader(conn, week.start, week.end)

    systems = {s.system_code: SystemWeek(s.system_code) for s in SOURCES.values()}

    def of(code: str) -> SystemWeek:
        return systems.setdefault(code, SystemWeek(code))

    for ticket in rows(_TICKETS):
        of(ticket["system"]).open_tickets.append(ticket)
    for row in rows(_OPENED):
        of(row["system"]).opened = row["opened"]
    for row in rows(_RESOLVED):
        of(row["system"]).fix_days.append(float(row["days"]))
    for row in rows(_RECEIVED, "landing.batches"):
        if row["source"] in SOURCES:
            of(SOURCES[row["source"]].system_code).received += row["rows"]
    for row in rows(_FLAGGED, "landing.batches", "quarantine.issues"):
        if row["source"] in SOURCES:
            of(SOURCES[row["source"]].system_code).flagged += row["flagged"]
    return sorted(systems.values(), key=SystemWeek.rank_key)
