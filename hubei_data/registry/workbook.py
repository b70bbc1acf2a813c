"""The data standards as an XLSX workbook: a sheet of data elements (数据元), one of code list values (代码集)."""

import io
from pathlib import Path

from openpyxl import Workbook

from hubei_data.catalog.export import write_sheet
from hubei_data.registry.contents import Registry
from hubei_data.registry.described import ELEMENT_COLUMNS, VALUE_COLUMNS, code_value_rows, element_rows
from hubei_data.reports.writing import write_whole

ELEMENTS_SHEET = "数据元"
VALUES_SHEET = "代码集"


def render(registry: Registry) -> bytes:
    """The workbook's bytes: headings in Chinese, a frozen heading row and a filter on each sheet."""
    book = Workbook()
    write_sheet(book.active, ELEMENTS_SHEET, [chinese for _, chinese in ELEMENT_COLUMNS],
                [[row[key] for key, _ in ELEMENT_COLUMNS] for row in element_rows(registry)])
    write_sheet(book.create_sheet(), VALUES_SHEET, [chinese for _, chinese in VALUE_COLUMNS],
                [[row[key] for key, _ in VALUE_COLUMNS] for row in code_value_rows(registry)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export(registry: Registry, path: Path) -> Path:
    """Write the workbook whole or not at all (a ReportError says why not); where it went."""
    return write_whole({path: render(registry)})[0]
