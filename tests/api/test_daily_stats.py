"""The daily statistics asset: the day's calls per API and consumer, replaced on a rerun."""

import datetime as dt

import dagster as dg
import psycopg

from hubei_data.api.definitions import api_daily_stats
from hubei_data.resources import WarehouseResource


def test_a_day_of_calls_is_summarised_and_a_rerun_replaces_it(warehouse):
    day = dt.date(2026, 3, 14)
    with psycopg.connect(warehouse.url) as conn:
        conn.execute("delete from api.calls where called_at::date = %s", (day,))
        conn.execute(
            "insert into api.calls (called_at, app_key, api, rows, latency_ms, status) select"
            " %s::timestamptz + n * interval '1 minute', 'hd_stats', 'license', 1, n, case when n > 90 then 429 else 200 end"
            " from generate_series(1, 100) n",
            (dt.datetime.combine(day, dt.time(1), dt.UTC),),
        )
        conn.commit()
    for _ in range(2):
        result = dg.materialize([api_daily_stats], partition_key=day.isoformat(),
                                resources={"warehouse": WarehouseResource()})
        assert result.success
    with psycopg.connect(warehouse.url) as conn:
        rows = conn.execute(
            "select calls, errors, error_rate_pct, p50_ms, p99_ms from api.daily_stats"
            " where day = %s and api = 'license' and consumer = 'hd_stats'", (day,)
        ).fetchall()
    assert [(r[0], r[1], float(r[2]), float(r[3]), float(r[4])) for r in rows] == [(100, 10, 10.0, 50.5, 99.01)]
