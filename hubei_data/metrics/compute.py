"""Computing one metric for one partition, and storing its values so a rerun replaces them."""

import datetime as dt
import json
from decimal import Decimal

import psycopg
from psycopg import sql

from hubei_data.registry.periods import previous
from hubei_data.metrics.registry import Metric, Registry
from hubei_data.row_filter import compile_filter

def compute(conn: psycopg.Connection, registry: Registry, code: str, partition: dt.date, run_id: str) -> list[dict]:
    """The metric's values for the partition, replacing any stored before; its rows as stored."""
    metric = registry.metrics[code]
    start, end = registry.period_of(code).window(partition)
    if metric.kind == "composite":
        rows = _composite(conn, registry, metric, partition)
    else:
        rows = _aggregate(conn, registry, metric, start, end)
    conn.execute("delete from metric.metric_values where metric_code = %s and partition_key = %s", (code, partition))
    with conn.cursor() as cursor:
        cursor.executemany(
            "insert into metric.metric_values (metric_code, partition_key, period_start, period_end, dims, value, run_id)"
            " values (%s, %s, %s, %s, %s, %s, %s)",
            [(code, partition, start, end, json.dumps(dims, ensure_ascii=False, sort_keys=True), value, run_id)
             for dims, value in rows],
        )
    conn.execute(
        "insert into metric.computed (metric_code, partition_key, run_id, rows) values (%s, %s, %s, %s)"
        " on conflict (metric_code, partition_key) do update set run_id = excluded.run_id, rows = excluded.rows,"
        " computed_at = now()",
        (code, partition, run_id, len(rows)),
    )
    conn.commit()
    return [{"dims": dims, "value": value, "period_start": start, "period_end": end} for dims, value in rows]


def _aggregate(conn, registry: Registry, metric: Metric, start: dt.date, end: dt.date) -> list[tuple[dict, Decimal]]:
    """Atomic, derived and custom metrics: one grouped aggregate over the model, in the period."""
    atomic = registry.metrics[metric.atomic] if metric.kind == "derived" else metric
    if metric.kind == "custom":
        measure = sql.SQL(metric.sql).format(period_start=sql.Literal(start), period_end=sql.Literal(end))
    elif atomic.aggregation == "count":
        measure = sql.SQL("count(*)")
    else:
        measure = sql.SQL("coalesce(sum({}), 0)").format(sql.Identifier(atomic.column))
    columns = [registry.dimensions[d].column for d in metric.by]
    schema, table = registry.model_of(metric.code).split(".")
    where, params = compile_filter(metric.filters)
    if atomic.time:
        where = sql.SQL("{} and {} between {} and {}").format(
            where, sql.Identifier(atomic.time), sql.Literal(start), sql.Literal(end)
        )
    dims = sql.SQL(", ").join(map(sql.Identifier, columns))
    query = sql.SQL("select {}{} as value from {}.{} where {}{}").format(
        dims + sql.SQL(", ") if columns else sql.SQL(""), measure, sql.Identifier(schema), sql.Identifier(table),
        where, sql.SQL(" group by {}").format(dims) if columns else sql.SQL(""),
    )
    found = conn.execute(query, params).fetchall()
    return [({d: _plain(row[i]) for i, d in enumerate(metric.by)}, row[-1]) for row in found]


def _composite(conn, registry: Registry, metric: Metric, partition: dt.date) -> list[tuple[dict, float | None]]:
    """Evaluate the expression for every combination of dimension values any part has.

    A part computed for the period but without a row for some dimension values counts 0 there
    (nothing happened); a prior period never computed is missing, so growth against it is None.
    """
    daily = registry.period_of(metric.code).kind == "day"
    wanted = {(None, p): partition for p in metric.parts}
    for function, part in metric.expression.growth:
        wanted[(function, part)] = previous(partition, daily, years=1 if function == "growth_yoy" else 0)
    values: dict[tuple, dict[str, float]] = {}
    computed: set[tuple] = set()
    for (function, part), when in wanted.items():
        if conn.execute("select 1 from metric.computed where metric_code = %s and partition_key = %s",
                        (part, when)).fetchone():
            computed.add((function, part))
        for dims, value in conn.execute(
            "select dims, value from metric.metric_values where metric_code = %s and partition_key = %s", (part, when)
        ).fetchall():
            values.setdefault(json.dumps(dims, sort_keys=True, ensure_ascii=False), {})[(function, part)] = (
                None if value is None else float(value))
    if not any((None, p) in computed for p in metric.parts):
        return []
    rows = []
    for key in sorted(values):
        found = values[key]

        def known(slot):
            return found.get(slot, 0.0 if slot in computed else None)

        current = {p: known((None, p)) for p in metric.parts}
        prior = {(f, p): known((f, p)) for f, p in metric.expression.growth}
        value = metric.expression.evaluate(current, prior)
        rows.append((json.loads(key), None if value is None else Decimal(str(round(value, 10)))))
    return rows


def _plain(value):
    return value.isoformat() if isinstance(value, dt.date) else value
