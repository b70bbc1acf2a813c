"""The weekly sharing report's numbers, as plain rows: pushes, bureau batches, API calls and flagged rows of a week."""

from collections.abc import Iterable
from dataclasses import dataclass

import psycopg

from hubei_data.exchange.subscription import Subscription
from hubei_data.reports import window_rows
from hubei_data.reports.periods import Week

# A failed push counts as recovered when the same subscription pushed successfully later in the week.
_PUSHES = """
with pushes as (

    select
        department,
        dataset,
        status,
        rows,
        coalesce(bool_or(status = 'succeeded') over (
            partition by subscription_id order by started_at, push_id
            rows between 1 following and unbounded following
        ), false) as succeeded_later
    from exchange.share_pushes
    where started_at >= %(start)s and started_at < %(end)s and status in ('succeeded', 'failed')

),

final as (

    select
        department,
        dataset,
        count(*) as pushes,
        count(*) filter (where status = 'succeeded') as succeeded,
        count(*) filter (where status = 'failed') as failed,
        count(*) filter (where status = 'failed' and succeeded_later) as recovered,
        coalesce(sum(rows) filter (where status = 'succeeded'), 0)::bigint as rows
    from pushes
    group by department, dataset

)

select * from final order by department, dataset
"""

# A bureau batch is retried until the bureau acknowledges it: it failed when it needed more than one attempt or
# is still waiting after an error, and recovered when it was acknowledged after all.
_BUREAU = """
with batches as (

    select * from exchange.bureau_batches
    where created_at >= %(start)s and created_at < %(end)s

),

final as (

    select
        feed,
        count(*) as pushes,
        count(*) filter (where status = 'acknowledged') as succeeded,
        count(*) filter (where attempts > 1 or last_error is not null) as failed,
        count(*) filter (where status = 'acknowledged' and attempts > 1) as recovered,
        coalesce(sum(records) filter (where status = 'acknowledged'), 0) as rows
    from batches
    group by feed

)

select * from final order by feed
"""

_CALLS = """
with calls as (

    select * from api.calls
    where called_at >= %(start)s and called_at < %(end)s

),

consumers as (

    select app_key, department from api.consumers

),

final as (

    select
        consumers.department,
        calls.api,
        count(*) as calls,
        count(*) filter (where calls.status >= 400) as errors,
        coalesce(sum(calls.rows), 0) as rows
    from calls
    left join consumers on consumers.app_key = calls.app_key
    group by consumers.department, calls.api

)

select * from final order by department nulls last, api
"""

# Rows flagged in batches received this week; a row breaking two rules is one flagged row and two issues.
_FLAGGED = """
with batches as (

    select batch_id from landing.batches
    where received_at >= %(start)s and received_at < %(end)s

),

issues as (

    select source, batch_id, row_number from quarantine.issues

),

final as (

    select
        issues.source,
        count(distinct (issues.batch_id, issues.row_number)) as flagged_rows,
        count(*) as issues
    from issues
    inner join batches on batches.batch_id = issues.batch_id
    group by issues.source

)

select * from final order by source
"""

_REJECTED = """
with rejections as (

    select * from exchange.bureau_rejections
    where rejected_at >= %(start)s and rejected_at < %(end)s

),

final as (

    select
        'bureau:' || feed as source,
        count(distinct record_key) as flagged_rows,
        count(*) as issues
    from rejections
    group by feed

)

select * from final order by source
"""


# Per source, rule tickets opened (or reopened) and resolved in the week, and those open at its end: a ticket's stage
# at a moment is where its last step before then took it.
_TICKETS = """
with steps as (

    select * from ops.quality_ticket_steps where at < %(end)s

),

tickets as (

    select ticket_id, source from ops.quality_tickets where origin = 'rule'

),

last_steps as (

    select distinct on (ticket_id) ticket_id, stage_to
    from steps
    order by ticket_id, at desc

),

week_steps as (

    select * from steps where at >= %(start)s

),

final as (

    select
        tickets.source,
        count(distinct week_steps.ticket_id) filter (
            where week_steps.stage_to = 'new' and coalesce(week_steps.stage_from, 'resolved') = 'resolved'
        ) as tickets_opened,
        count(distinct week_steps.ticket_id) filter (where week_steps.stage_to = 'resolved') as tickets_resolved,
        count(distinct last_steps.ticket_id) filter (where last_steps.stage_to <> 'resolved') as tickets_open
    from tickets
    inner join last_steps on last_steps.ticket_id = tickets.ticket_id
    left join week_steps on week_steps.ticket_id = tickets.ticket_id
    group by tickets.source

)

select * from final
where tickets_opened > 0 or tickets_resolved > 0 or tickets_open > 0
order by source
"""


@dataclass(frozen=True)
class WeeklyData:
    """The rows of each part of the report; `pushes` holds every subscription active in the week, pushed or not;
    `flagged` each source with rows flagged or tickets opened, resolved or open in the week."""

    week: Week
    pushes: list[dict]
    bureau: list[dict]
    calls: list[dict]
    flagged: list[dict]

    def totals(self) -> dict[str, int]:
        pushed = self.pushes + self.bureau
        return {
            "rows_pushed": sum(r["rows"] for r in pushed),
            "pushes": sum(r["pushes"] for r in pushed),
            "pushes_failed": sum(r["failed"] for r in pushed),
            "pushes_recovered": sum(r["recovered"] for r in pushed),
            "api_calls": sum(r["calls"] for r in self.calls),
            "api_errors": sum(r["errors"] for r in self.calls),
            "new_flagged_rows": sum(r["flagged_rows"] for r in self.flagged),
            "tickets_opened": sum(r["tickets_opened"] for r in self.flagged),
            "tickets_resolved": sum(r["tickets_resolved"] for r in self.flagged),
            "tickets_open": sum(r["tickets_open"] for r in self.flagged),
        }

    @property
    def empty(self) -> bool:
        totals = self.totals()
        return not (totals["pushes"] or totals["api_calls"] or totals["new_flagged_rows"])


def collect(conn: psycopg.Connection, week: Week, subscriptions: Iterable[Subscription]) -> WeeklyData:
    """The week's rows from the platform's logs; a part whose tables do not exist yet has no rows."""
    rows = window_rows.reader(conn, week.start, week.end)

    pushes = rows(_PUSHES, "exchange.share_pushes")
    pushed = {(r["department"], r["dataset"]) for r in pushes}
    idle = sorted({(s.department, s.table) for s in subscriptions
                   if s.valid_from <= week.sunday and s.valid_until >= week.monday} - pushed)
    pushes += [{"department": department, "dataset": dataset, "pushes": 0, "succeeded": 0, "failed": 0,
                "recovered": 0, "rows": 0} for department, dataset in idle]
    return WeeklyData(
        week=week,
        pushes=sorted(pushes, key=lambda r: (r["department"], r["dataset"])),
        bureau=rows(_BUREAU, "exchange.bureau_batches"),
        calls=rows(_CALLS, "api.calls", "api.consumers"),
        flagged=_with_tickets(rows(_FLAGGED, "landing.batches", "quarantine.issues")
                              + rows(_REJECTED, "exchange.bureau_rejections"), rows(_TICKETS, "ops.quality_tickets")),
    )


def _with_tickets(flagged: list[dict], tickets: list[dict]) -> list[dict]:
    """Each source's flagged rows beside its tickets' counts, a source with only one of the two given zeros for the
    other; sources with flagged rows first."""
    by_source = {r["source"]: {"flagged_rows": 0, "issues": 0, "tickets_opened": 0, "tickets_resolved": 0,
                               "tickets_open": 0} for r in flagged + tickets}
    for row in flagged + tickets:
        by_source[row["source"]] |= row
    return list(by_source.values())
