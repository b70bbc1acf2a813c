"""A report as one self-contained HTML page: Chinese headings, charts inline as PNG, print-friendly."""

import base64
import datetime as dt
import decimal

from jinja2 import Environment, PackageLoader, select_autoescape

from hubei_data.reports.charts import PAGE_WIDTH_PIXELS
from hubei_data.reports.document import NO_VALUE, Report

# A page stays light enough to open; the workbook beside it holds every row.
PAGE_ROWS = 1000

_TEMPLATES = Environment(loader=PackageLoader("hubei_data.reports"), autoescape=select_autoescape(default=True))


def cell(value) -> str:
    """How a value reads on the page: thousands apart, floats to two decimals (decimals keep their own scale),
    — for nothing."""
    if value is None or value == "":
        return NO_VALUE
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | decimal.Decimal):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, dt.datetime):
        return f"{value:%Y-%m-%d %H:%M:%S}"
    return str(value)


def numeric(value) -> bool:
    return isinstance(value, int | float | decimal.Decimal) and not isinstance(value, bool)


def numeric_columns(rows: list[list]) -> set[int]:
    """Columns holding a number in some row: right-aligned throughout, their blanks included."""
    return {index for row in rows for index, value in enumerate(row) if numeric(value)}


def render(report: Report) -> str:
    template = _TEMPLATES.get_template("report.html.j2")
    return template.render(report=report, page_rows=PAGE_ROWS, chart_width=PAGE_WIDTH_PIXELS, cell=cell,
                           numeric_columns=numeric_columns,
                           png=lambda data: base64.b64encode(data).decode("ascii"))
