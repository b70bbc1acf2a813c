"""The data resource catalog list (数据资源目录清单): one row per data item of each published entry."""

import csv
import math
import unicodedata
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from hubei_data.catalog.entry import Entry
from hubei_data.metrics.catalog import COLUMNS as METRIC_COLUMNS

COLUMNS = (
    ("resource_code", "信息资源代码"),
    ("resource_name", "信息资源名称"),
    ("provider", "信息资源提供方"),
    ("category", "资源分类"),
    ("summary", "信息资源摘要"),
    ("share_type", "共享类型"),
    ("share_conditions", "共享条件"),
    ("consumers", "使用范围"),
    ("share_method", "共享方式"),
    ("update_frequency", "更新周期"),
    ("table", "数据库表"),
    ("item_no", "信息项序号"),
    ("item_name", "信息项名称"),
    ("field", "字段名"),
    ("data_type", "数据类型"),
    ("standard", "数据标准"),
    ("item_share_type", "信息项共享类型"),
    ("masking", "脱敏规则"),
)
FORMATS = ("xlsx", "csv")
# Columns wider than this wrap their text instead; a heading leaves room for its filter button.
MAX_WIDTH = 60
FILTER_BUTTON = 3
LINE_POINTS = 15


def share_library(entries: list[Entry]) -> list[Entry]:
    """The entries of the share library (共享库), the list departments receive; the rest stay in the catalog."""
    return [entry for entry in entries if entry.kind == "table" and entry.target.startswith("share.")]


def catalog_rows(entries: list[Entry]) -> list[dict]:
    """The catalog list from the published entries, by resource code: one row per data item."""
    rows = []
    for entry in sorted(entries, key=lambda e: e.code):
        for number, item in enumerate(entry.items, start=1):
            rows.append({
                "resource_code": entry.code, "resource_name": entry.name, "summary": entry.summary,
                "provider": entry.provider, "category": entry.category, "share_type": entry.share_type,
                "share_conditions": entry.share_conditions, "consumers": entry.consumers,
                "share_method": entry.share_method, "update_frequency": entry.update_frequency,
                "table": entry.target if entry.kind == "table" else f"数据接口 {entry.target}",
                "item_no": number,
                "item_name": item.name,
                "field": item.field,
                "data_type": item.data_type,
                "standard": item.standard,
                "item_share_type": item.share_type,
                "masking": item.masking,
            })
    return rows


class BrokenCatalog(ValueError):
    """The catalog breaks its rules (hubei_data.catalog.policy): its list is not written."""


def write_published(entries: list[Entry], path: Path, fmt: str, everything: bool = False) -> tuple[int, int, int]:
    """Write the list of the published entries (the share library's, or with `everything` all of them), with the
    indicator catalog in an XLSX; how many data items, entries and metrics it holds. A catalog breaking its rules
    raises BrokenCatalog, a registry that cannot be read RegistryError."""
    from hubei_data.catalog import manifest, policy
    from hubei_data.metrics.catalog import sheet_rows
    from hubei_data.metrics.registry import load_registry

    problems = policy.violations(manifest.load())
    if problems:
        raise BrokenCatalog("the catalog breaks its rules:\n  " + "\n  ".join(problems))
    listed = entries if everything else share_library(entries)
    rows = catalog_rows(listed)
    metrics = sheet_rows(load_registry()) if fmt == "xlsx" else []
    write(rows, path, fmt, metrics)
    return len(rows), len(listed), len(metrics)


def write(rows: list[dict], path: Path, fmt: str, metrics: list[dict] = ()) -> None:
    """Write the list with Chinese headings: CSV in UTF-8 with BOM (Excel opens it right), or XLSX,
    which also holds the indicator catalog (指标目录, rows in Chinese words) on a second sheet."""
    headings = [chinese for _, chinese in COLUMNS]
    values = [[row[key] for key, _ in COLUMNS] for row in rows]
    if fmt == "csv":
        with path.open("w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(headings)
            writer.writerows(values)
        return
    book = Workbook()
    write_sheet(book.active, "数据资源目录清单", headings, values)
    if metrics:
        write_sheet(book.create_sheet(), "指标目录", [chinese for _, chinese in METRIC_COLUMNS],
               [[row[key] for key, _ in METRIC_COLUMNS] for row in metrics])
    book.save(path)


def display_width(text: str) -> int:
    """Width in Latin characters: a CJK character takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def write_sheet(sheet: Worksheet, title: str, headings: list[str], values: list[list]) -> None:
    """A sheet people can read: a bold frozen heading row, a filter on every column, widths that fit.

    Values are text as received: characters a workbook cannot hold are dropped, and text starting with `=` stays
    text instead of becoming a formula that a spreadsheet would run on opening.
    """
    sheet.title = title
    sheet.append(headings)
    for line in values:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value for value in line])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    widths = []
    for heading, *cells in sheet.iter_cols():
        widest = max((display_width(str(c.value)) for c in cells if c.value is not None), default=0)
        widths.append(min(max(display_width(heading.value) + FILTER_BUTTON, widest) + 2, MAX_WIDTH))
        sheet.column_dimensions[heading.column_letter].width = widths[-1]
    for row in sheet.iter_rows(min_row=2):
        # Spreadsheets do not all fit a row to wrapped text on opening, so the height is set here.
        lines = max(math.ceil(display_width(str(c.value or "")) / (width - 2)) for c, width in zip(row, widths))
        for cell, width in zip(row, widths):
            cell.alignment = Alignment(vertical="top", wrap_text=display_width(str(cell.value or "")) > width - 2)
        if lines > 1:
            sheet.row_dimensions[row[0].row].height = LINE_POINTS * lines
