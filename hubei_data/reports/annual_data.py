"""The annual O&M report's numbers, by month of a year in Beijing time: availability, incidents, runs, backups,
drills and data volumes, as plain rows from the platform's tables and Dagster's run storage."""

import datetime as dt
from dataclasses import dataclass

import dagster as dg
import psycopg
from psycopg import sql
from psycopg.rows import dict_row

from hubei_data.contracts import SOURCES
from hubei_data.reports import window_rows
from hubei_data.reports.periods import MONTHS, midnight, year_bounds

_MONTH = "extract(month from {} at time zone 'Asia/Shanghai')::integer"

# The watcher's endpoint probes are the rules named `<endpoint>_unreachable`; each sample is one attempt.
_AVAILABILITY = f"""
with samples as (

    select probe, target, at, ok from ops.samples
    where at >= %(start)s and at < %(end)s and probe like '%%\\_unreachable'

),

final as (

    select
        probe,
        target,
        {_MONTH.format("at")} as month,
        count(*) as samples,
        count(*) filter (where ok) as ok
    from samples
    group by probe, target, month

)

select * from final order by probe, target, month
"""

# Reminders (an application about to expire) are notices to departments, not incidents.
_INCIDENTS = f"""
with alerts as (

    select
        severity,
        opened_at,
        extract(epoch from resolved_at - opened_at) / 3600 as hours
    from ops.alerts
    where opened_at >= %(start)s and opened_at < %(end)s and severity in ('critical', 'warning')

),

final as (

    select
        {_MONTH.format("opened_at")} as month,
        count(*) as incidents,
        count(*) filter (where severity = 'critical') as critical,
        count(*) filter (where severity = 'warning') as warning,
        count(hours) as resolved,
        round(avg(hours)::numeric, 2) as mean_hours,
        round(max(hours)::numeric, 2) as max_hours
    from alerts
    group by month

)

select * from final order by month
"""

_BACKUPS = f"""
with backups as (

    select started_at, status from ops.backups
    where started_at >= %(start)s and started_at < %(end)s

),

final as (

    select
        {_MONTH.format("started_at")} as month,
        count(*) as backups,
        count(*) filter (where status in ('succeeded', 'pruned')) as succeeded,
        count(*) filter (where status = 'failed') as failed
    from backups
    group by month

)

select * from final order by month
"""

_DRILLS = f"""
with drills as (

    select started_at, kind, status from ops.drills
    where started_at >= %(start)s and started_at < %(end)s

),

final as (

    select
        {_MONTH.format("started_at")} as month,
        count(*) filter (where kind = 'drill') as drills,
        count(*) filter (where kind = 'drill' and status = 'matched') as matched,
        count(*) filter (where kind = 'drill' and status in ('disagreed', 'failed')) as not_matched,
        count(*) filter (where kind = 'restore') as restores
    from drills
    group by month

)

select * from final order by month
"""

_TABLES = """
select tables.relname as name, pg_total_relation_size(tables.oid) as bytes
from pg_class as tables
inner join pg_namespace as schemas on schemas.oid = tables.relnamespace
where schemas.nspname = %s and tables.relkind in ('r', 'p') and not tables.relispartition
order by tables.relname
"""

LIBRARIES = ("raw", "resource", "subject", "share", "quarantine")
RUN_STATUSES = {
    "succeeded": (dg.DagsterRunStatus.SUCCESS,),
    "failed": (dg.DagsterRunStatus.FAILURE,),
    "canceled": (dg.DagsterRunStatus.CANCELED, dg.DagsterRunStatus.CANCELING),
    "unfinished": (dg.DagsterRunStatus.QUEUED, dg.DagsterRunStatus.NOT_STARTED, dg.DagsterRunStatus.MANAGED,
                   dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.SUSPENDED),
}


@dataclass(frozen=True)
class AnnualData:
    """Rows per month (1–12) of each part; `volumes` is now, `growth` holds month 0 for rows landed before the year."""

    year: int
    availability: list[dict]
    incidents: list[dict]
    runs: list[dict]
    backups: list[dict]
    drills: list[dict]
    volumes: list[dict]
    growth: list[dict]


def collect(conn: psycopg.Connection, instance: dg.DagsterInstance, year: int) -> AnnualData:
    """The year's rows; a part whose tables do not exist yet has none."""
    start, end = year_bounds(year)
    rows = window_rows.reader(conn, start, end)

    return AnnualData(
        year=year,
        availability=rows(_AVAILABILITY, "ops.samples"),
        incidents=rows(_INCIDENTS, "ops.alerts"),
        runs=runs(instance, year),
        backups=rows(_BACKUPS, "ops.backups"),
        drills=rows(_DRILLS, "ops.drills"),
        volumes=volumes(conn),
        growth=growth(conn, start, end),
    )


def runs(instance: dg.DagsterInstance, year: int) -> list[dict]:
    """Runs created in each month, by how they ended, from the run storage the Dagster UI shows."""
    found = []
    for month in MONTHS:
        start = midnight(dt.date(year, month, 1))
        end = midnight(dt.date(year + month // 12, month % 12 + 1, 1))
        counts = {group: instance.get_runs_count(dg.RunsFilter(statuses=list(statuses), created_after=start,
                                                               created_before=end))
                  for group, statuses in RUN_STATUSES.items()}
        if any(counts.values()):
            found.append({"month": month, **counts})
    return found


def volumes(conn: psycopg.Connection) -> list[dict]:
    """Tables, rows (counted, not estimated) and bytes on disk of each library now."""
    found = []
    for library in LIBRARIES:
        tables = conn.execute(_TABLES, (library,)).fetchall()
        rows = sum(conn.execute(sql.SQL("select count(*) from {}").format(sql.Identifier(library, name))).fetchone()[0]
                   for name, _ in tables)
        found.append({"library": library, "tables": len(tables), "rows": rows, "bytes": sum(b for _, b in tables)})
    return found


def growth(conn: psycopg.Connection, start: dt.datetime, end: dt.datetime) -> list[dict]:
    """Rows the raw library (原始库) gained per source and month, by when their batch was received; month 0
    sums everything received before the year, so a running total can start from it."""
    sources = [name for name in SOURCES if _exists(conn, f"raw.{name}")]
    if not sources or not _exists(conn, "landing.batches"):
        return []
    landed = sql.SQL("\n    union all\n    ").join(
        sql.SQL("select {} as source, _batch_id as batch_id, count(*) as rows from {} group by _batch_id").format(
            sql.Literal(name), sql.Identifier("raw", name))
        for name in sources
    )
    query = sql.SQL("""
with landed as (

    {landed}

),

batches as (

    select batch_id, received_at from landing.batches
    where received_at < %(end)s

),

final as (

    select
        landed.source,
        case when batches.received_at < %(start)s then 0 else {month} end as month,
        sum(landed.rows)::bigint as rows
    from landed
    inner join batches on batches.batch_id = landed.batch_id
    group by landed.source, 2

)

select * from final order by source, month
""").format(landed=landed, month=sql.SQL(_MONTH.format("batches.received_at")))
    with conn.cursor(row_factory=dict_row) as cursor:
        return cursor.execute(query, {"start": start, "end": end}).fetchall()


def _exists(conn: psycopg.Connection, table: str) -> bool:
    return conn.execute("select to_regclass(%s)", (table,)).fetchone()[0] is not None
