"""A report as an XLSX workbook: an overview sheet, then a sheet per section with its table, notes and chart."""

import io
import re

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.drawing.image import Image
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from hubei_data.catalog.export import write_sheet
from hubei_data.reports.document import NO_VALUE, Report

# Shown at this width in pixels, the chart sits beside the table without covering a screen.
CHART_PIXELS = 720
_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_LENGTH = 31


def render(report: Report) -> bytes:
    book = Workbook()
    overview = [("报告", report.title), ("期间", report.period), ("生成时间", report.generated)]
    overview += [("说明", report.notice)] if report.notice else []
    overview += list(report.figures)
    overview += [("查询语句", report.query)] if report.query else []
    write_sheet(book.active, "概览", ["项目", "内容"], [[label, _overview(value)] for label, value in overview])
    names = {"概览"}
    for section in report.sections:
        sheet = book.create_sheet()
        rows = [[_cell(value) for value in row] for row in section.rows] or [[section.empty]]
        write_sheet(sheet, _sheet_name(section.title, names), list(section.headings), rows)
        line = sheet.max_row + 2
        for number, note in enumerate(section.notes):
            sheet.cell(line + number, 1, f"注：{note}").font = Font(italic=True, color="59636E")
        if section.chart:
            image = Image(io.BytesIO(section.chart))
            image.height, image.width = round(image.height * CHART_PIXELS / image.width), CHART_PIXELS
            sheet.add_image(image, f"{get_column_letter(len(section.headings) + 2)}2")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell(value):
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def _overview(value):
    return NO_VALUE if value is None else _cell(value)


def _sheet_name(title: str, taken: set[str]) -> str:
    """A valid sheet name (31 characters, none of []:*?/\\), different from the sheets before it."""
    base = _SHEET_NAME.sub("_", title)[:SHEET_NAME_LENGTH] or "Sheet"
    name, number = base, 2
    while name in taken:
        suffix = f"({number})"
        name, number = base[:SHEET_NAME_LENGTH - len(suffix)] + suffix, number + 1
    taken.add(name)
    return name
