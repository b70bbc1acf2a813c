"""Call statistics: calls, errors, error rate and latency percentiles per API and consumer."""

import datetime as dt

import psycopg

_STATS = """
select api, coalesce(app_key, '(unidentified)') as consumer, count(*) as calls,
       count(*) filter (where status >= 400) as errors,
       round(100.0 * count(*) filter (where status >= 400) / count(*), 2) as error_rate_pct,
       round(percentile_cont(0.5) within group (order by latency_ms)::numeric, 2) as p50_ms,
       round(percentile_cont(0.95) within group (order by latency_ms)::numeric, 2) as p95_ms,
       round(percentile_cont(0.99) within group (order by latency_ms)::numeric, 2) as p99_ms,
       coalesce(sum(rows), 0) as rows
from api.calls
where called_at >= %(since)s and called_at < %(until)s
group by 1, 2
order by 1, 2
"""


def call_stats(conn: psycopg.Connection, since: dt.datetime, until: dt.datetime) -> list[dict]:
    cursor = conn.execute(_STATS, {"since": since, "until": until})
    names = [d.name for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def store_day(conn: psycopg.Connection, day: dt.date, run_id: str) -> list[dict]:
    """The day's statistics, replacing any earlier computation of that day."""
    start = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
    rows = call_stats(conn, start, start + dt.timedelta(days=1))
    conn.execute("delete from api.daily_stats where day = %s", (day,))
    with conn.cursor() as cursor:
        cursor.executemany(
            "insert into api.daily_stats values (%(day)s, %(api)s, %(consumer)s, %(calls)s, %(errors)s,"
            " %(error_rate_pct)s, %(p50_ms)s, %(p95_ms)s, %(p99_ms)s, %(rows)s, %(run_id)s)",
            [{**r, "day": day, "run_id": run_id} for r in rows],
        )
    conn.commit()
    return rows
