"""指标查询: one metric's stored values over a span of periods, as a table and a chart drawn on the server.

The values are read as the data API's reader, which may read the metric values and nothing of the libraries; the
chart is inline SVG, so the page still loads nothing and runs no script. A chart that cannot be drawn (the Chinese
font is not installed) leaves the values and says why, rather than failing the page.
"""

import datetime as dt
import functools
import re

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hubei_data import roles
from hubei_data.control.permissions import Permission
from hubei_data.metrics.catalog import KINDS, TOTAL_CHINESE
from hubei_data.metrics.query import MetricQueryError, parse_periods, query
from hubei_data.metrics.registry import Registry, load_registry
from hubei_data.reports import ReportError, charts
from hubei_data.web import portal, table_query
from hubei_data.web.refusal import Refusal
from hubei_data.web.session import require

# What comes before the <svg> element (the XML declaration, the doctype), dropped to put the chart in the page.
_SVG_START = re.compile(r"^.*?(?=<svg)", re.DOTALL)


@functools.cache
def _registry() -> Registry:
    return load_registry()


async def metrics_page(request: Request) -> Response:
    person = await require(request, Permission.METRIC_VIEW, "metrics")
    registry = _registry()
    params = request.query_params
    code = params.get("metric") or ""
    chosen = {"metric": code, "start": params.get("start") or "", "end": params.get("end") or "",
              "by": params.get("by") or ""}
    context = {"registry": registry, "kinds": KINDS, "chosen": chosen, "rows": None, "chart": None,
               "total": TOTAL_CHINESE}
    if code:
        metric = registry.metrics.get(code)
        if metric is None:
            raise Refusal(400, f"no metric {code!r}: choose one from the list")
        if not chosen["start"]:
            raise Refusal(400, "give the first period (YYYY-MM or YYYY-MM-DD)")
        by = (chosen["by"],) if chosen["by"] else ()
        try:
            periods = parse_periods(f"{chosen['start']}:{chosen['end'] or chosen['start']}")
            rows = await run_in_threadpool(_read, registry, code, periods, by)
        except MetricQueryError as error:
            raise Refusal(400, str(error)) from None
        await portal.audit_view(request, person, f"metric {code}", periods=f"{periods[0]}:{periods[1]}",
                                by=chosen["by"] or "total", rows=len(rows))
        context.update(metric=metric, rows=[{**row, "shown": _number(row["value"])} for row in rows], by=chosen["by"])
        if rows:
            try:
                context["chart"] = _chart(registry, metric, rows, chosen["by"])
            except ReportError as error:
                context["chart_refused"] = str(error)
    return portal.show(request, person, "query_metrics.html", "指标查询 Metrics", **context)


def _read(registry: Registry, code: str, periods, by: tuple[str, ...]) -> list[dict]:
    with table_query.reading(roles.API_READER, "metric.metric_values") as conn:
        return query(conn, registry, code, periods, by)


def _chart(registry: Registry, metric, rows: list[dict], by: str) -> str:
    """A line over the periods for a total; bars by the dimension's values for the span's last period."""
    if not by:
        labels = [_period(row) for row in rows]
        image = charts.lines(labels, {metric.name: [row["value"] for row in rows]}, metric.name, metric.unit,
                             form="svg")
    else:
        last = max(row["period_start"] for row in rows)
        shown = [row for row in rows if row["period_start"] == last]
        title = f"{metric.name} · {_period(shown[0])} · 按{registry.dimensions[by].chinese}"
        image = charts.bars([str(row[by]) for row in shown], {metric.name: [row["value"] for row in shown]}, title,
                            metric.unit, form="svg")
    return _SVG_START.sub("", image.decode("utf-8"), count=1)


def _number(value) -> str:
    """Thousands apart; a ratio or an amount with its decimals, at most four."""
    if value is None:
        return ""
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value:,.4f}".rstrip("0")


def _period(row: dict) -> str:
    """A day, a calendar month, or the span a value covers."""
    start, end = row["period_start"], row["period_end"]
    if start == end:
        return start.isoformat()
    if start.day == 1 and (start.year, start.month) == (end.year, end.month) and (end + dt.timedelta(days=1)).day == 1:
        return f"{start:%Y-%m}"
    return f"{start}–{end}"


ROUTES = [Route("/platform/query/metrics", metrics_page, methods=["GET", "HEAD"])]
