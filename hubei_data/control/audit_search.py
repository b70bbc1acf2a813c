"""The audit administrator's view of the trail: search it, and export it to XLSX with the API calls beside it.

The data API's own call log (`api.calls`) stays where it is; an export puts the calls of the same
period on a second sheet, so one file answers both "who changed what" and "who read what".
"""

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import psycopg
from openpyxl import Workbook

from hubei_data.beijing_time import when
from hubei_data.catalog.export import write_sheet

MAX_ROWS = 1_000_000
TRAIL_COLUMNS = (
    ("seq", "序号"), ("at", "时间 (北京时间)"), ("actor", "用户"), ("source", "来源"), ("action", "操作"),
    ("target", "对象"), ("outcome", "结果"), ("detail", "详情"), ("digest", "摘要"),
)
CALL_COLUMNS = (
    ("call_id", "调用序号"), ("called_at", "时间 (北京时间)"), ("app_key", "接入应用"), ("api", "接口"),
    ("grant_id", "授权"), ("rows", "行数"), ("latency_ms", "耗时 (毫秒)"), ("status", "状态码"), ("error", "错误"),
)


@dataclass(frozen=True)
class Filters:
    """What to look for; every field narrows, None leaves it open. `target` matches a part of the object."""

    since: dt.datetime | None = None
    until: dt.datetime | None = None
    actor: str | None = None
    action: str | None = None
    outcome: str | None = None
    target: str | None = None

    def where(self) -> tuple[str, list]:
        clauses, values = ["true"], []
        for column, value, test in (("at", self.since, ">="), ("at", self.until, "<"), ("actor", self.actor, "="),
                                    ("action", self.action, "="), ("outcome", self.outcome, "=")):
            if value is not None:
                clauses.append(f"{column} {test} %s")
                values.append(value)
        if self.target:
            clauses.append("strpos(target, %s) > 0")
            values.append(self.target)
        return " and ".join(clauses), values


def search(conn: psycopg.Connection, filters: Filters, limit: int) -> list[dict]:
    """The newest `limit` matching events, newest first."""
    where, values = filters.where()
    cursor = conn.execute(
        f"select seq, at, actor, source, action, target, outcome, detail, digest from control.audit_trail"
        f" where {where} order by seq desc limit %s", [*values, limit],
    )
    names = [column.name for column in cursor.description]
    return [_readable(dict(zip(names, row))) for row in cursor]


def export(conn: psycopg.Connection, filters: Filters, path: Path) -> tuple[int, int]:
    """Write the matching events (oldest first) and the API calls of the same period; how many of each."""
    events = list(reversed(search(conn, filters, MAX_ROWS)))
    calls = _calls(conn, filters)
    book = Workbook()
    write_sheet(book.active, "审计日志", [chinese for _, chinese in TRAIL_COLUMNS],
                [[event[key] for key, _ in TRAIL_COLUMNS] for event in events])
    write_sheet(book.create_sheet(), "接口调用日志", [chinese for _, chinese in CALL_COLUMNS],
                [[call[key] for key, _ in CALL_COLUMNS] for call in calls])
    book.save(path)
    return len(events), len(calls)


def _calls(conn: psycopg.Connection, filters: Filters) -> list[dict]:
    clauses, values = ["true"], []
    for value, test in ((filters.since, ">="), (filters.until, "<")):
        if value is not None:
            clauses.append(f"called_at {test} %s")
            values.append(value)
    cursor = conn.execute(
        "select call_id, called_at, app_key, api, grant_id, rows, round(latency_ms::numeric, 1) as latency_ms,"
        f" status, error from api.calls where {' and '.join(clauses)} order by call_id limit %s", [*values, MAX_ROWS],
    )
    names = [column.name for column in cursor.description]
    return [_readable(dict(zip(names, row))) for row in cursor]


def _readable(row: dict) -> dict:
    """Times in Beijing time as text and details as JSON text: what a spreadsheet and a terminal both show."""
    for key in ("at", "called_at"):
        if key in row:
            row[key] = when(row[key])
    if "detail" in row:
        row["detail"] = json.dumps(row["detail"], ensure_ascii=False, sort_keys=True)
    return row
