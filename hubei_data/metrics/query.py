"""Reading stored metric values: one metric over periods, sliced by its dimensions."""

import datetime as dt
from decimal import Decimal

import psycopg

from hubei_data.metrics.registry import Registry


class MetricQueryError(Exception):
    """A query that cannot be answered as asked: which part and why."""


def parse_periods(text: str) -> tuple[dt.date, dt.date]:
    """`2026-10` (a month), `2026-10-05` (a day), or `FROM:TO` of either: the first and last partition."""
    def one(value: str) -> dt.date:
        try:
            return dt.date.fromisoformat(value if len(value) == 10 else f"{value}-01")
        except ValueError:
            raise MetricQueryError(f"period {value!r} is not YYYY-MM or YYYY-MM-DD") from None

    first, _, last = text.partition(":")
    return one(first), one(last or first)


def query(conn: psycopg.Connection, registry: Registry, code: str, periods: tuple[dt.date, dt.date],
          by: tuple[str, ...] = ()) -> list[dict]:
    """Values per period (and per the chosen dimensions); coarser than the metric's own only where values add up."""
    metric = registry.metrics.get(code)
    if metric is None:
        raise MetricQueryError(f"no metric {code!r} (see `hubei-data metrics list`)")
    own = registry.dims_of(code)
    strangers = [d for d in by if d not in own]
    if strangers:
        raise MetricQueryError(f"{code} is counted by {', '.join(own) or 'nothing (a total)'}, not {', '.join(strangers)}")
    if set(by) != set(own) and not metric.additive:
        raise MetricQueryError(f"{code} is a {metric.kind} metric: its values do not add up, so query it by "
                               f"all of {', '.join(own)}, or query its parts")
    rows = conn.execute(
        "select partition_key, period_start, period_end, dims, value from metric.metric_values"
        " where metric_code = %s and partition_key between %s and %s order by partition_key",
        (code, *periods),
    ).fetchall()
    totals: dict[tuple, dict] = {}
    for partition, start, end, dims, value in rows:
        kept = tuple((d, dims.get(d)) for d in by)
        entry = totals.setdefault((partition, kept), {"period_start": start, "period_end": end, "value": None,
                                                      **dict(kept)})
        if value is not None:
            entry["value"] = (entry["value"] or Decimal(0)) + value
    ordered = sorted(totals.items(), key=lambda item: (item[0][0], [str(v) for _, v in item[0][1]]))
    return [{"metric": code, **entry} for _, entry in ordered]
