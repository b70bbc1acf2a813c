"""Ad-hoc reports: one read-only query and a title give a table and a bar chart of its numeric columns."""

import datetime as dt
import decimal
import re

from hubei_data import adhoc_query
from hubei_data.beijing_time import LOCAL
from hubei_data.control.audit_trail import Actor
from hubei_data.reports import ReportError, charts
from hubei_data.reports.document import Report, Section, plain

MAX_ROWS = 100_000
CHART_ROWS = 30
TITLE_LENGTH = 80
# Characters a file name cannot hold on Linux or Windows, and control characters.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def build(sql_text: str, title: str, timeout_seconds: int, by: Actor, generated_at: dt.datetime) -> Report:
    """Run the query as the read-only query role (audited by adhoc_query) and lay out what it returned.

    A refused or failed query raises adhoc_query.QueryRefused and nothing is written.
    """
    title = " ".join(title.split())
    if not title:
        raise ReportError("the report needs a title (--title)")
    if len(title) > TITLE_LENGTH:
        raise ReportError(f"the title is {len(title)} characters long; at most {TITLE_LENGTH}")
    with adhoc_query.run(sql_text, timeout_seconds, by.name, by.source) as (columns, cursor):
        fetched = cursor.fetchmany(MAX_ROWS + 1)
    rows = [[plain(value) for value in row] for row in fetched[:MAX_ROWS]]
    notes = [f"结果超过 {MAX_ROWS:,} 行，只列出前 {MAX_ROWS:,} 行。"] if len(fetched) > MAX_ROWS else []
    chart, said = _chart(title, columns, rows)
    notes += [said] if said else []
    local = generated_at.astimezone(LOCAL)
    return Report(
        name=f"{_UNSAFE.sub('_', title)}-{local:%Y%m%d-%H%M%S}",
        title=title,
        period=f"查询于 {local:%Y-%m-%d %H:%M}（北京时间）",
        generated_at=generated_at,
        figures=(("行数", len(rows)), ("列数", len(columns))),
        sections=(Section(title="查询结果", headings=tuple(columns), rows=rows, chart=chart, notes=tuple(notes),
                          empty="查询没有返回任何行。"),),
        query=sql_text.strip(),
    )


def numeric(values: list) -> bool:
    """A column of numbers: every value a number or empty, at least one number (true/false are not numbers)."""
    present = [v for v in values if v is not None]
    return bool(present) and all(isinstance(v, int | float | decimal.Decimal) and not isinstance(v, bool)
                                 for v in present)


def _chart(title: str, columns: list[str], rows: list[list]) -> tuple[bytes | None, str | None]:
    """The first column as categories, every other numeric column a series; or why there is no chart."""
    if not rows:
        return None, None
    series = {name: [row[index] for row in rows[:CHART_ROWS]] for index, name in enumerate(columns)
              if index and numeric([row[index] for row in rows])}
    if not series:
        return None, "结果中除第一列外没有数值列，不作图，只列出表格。"
    categories = [str(row[0]) if row[0] is not None else "（空）" for row in rows[:CHART_ROWS]]
    said = f"图表只画前 {CHART_ROWS} 行。" if len(rows) > CHART_ROWS else None
    return charts.bars(categories, series, title, ""), said
