"""The data standards as an XLSX workbook: a sheet of data elements (数据元), one of code list values of every
version (代码集), one of the code lists' versions with what each added and removed (代码集版本)."""

import io
from pathlib import Path

from openpyxl import Workbook

from hubei_data.catalog.export import write_sheet
from hubei_data.registry.contents import Registry
from hubei_data.registry.described import (
    ELEMENT_COLUMNS,
    VALUE_COLUMNS,
    VERSION_COLUMNS,
    code_value_rows,
    element_rows,
    version_rows,
)
from hubei_data.reports.writing import write_whole

ELEMENTS_SHEET = "数据元"
VALUES_SHEET = "代码集"
VERSIONS_SHEET = "代码集版本"


def render(registry: Registry) -> bytes:
    """The workbook's bytes: headings in Chinese, a frozen heading row and a filter on each sheet."""
    book = Workbook()
    write_sheet(book.active, ELEMENTS_SHEET, [chinese for _, chinese in ELEMENT_COLUMNS],
                [[row[key] for key, _ in ELEMENT_COLUMNS] for row in element_rows(registry)])
    for sheet, columns, rows in ((VALUES_SHEET, VALUE_COLUMNS, code_value_rows(registry)),
                                 (VERSIONS_SHEET, VERSION_COLUMNS, version_rows(registry))):
        write_sheet(book.create_sheet(), sheet, [chinese for _, chinese in columns],
                    [[row[key] for key, _ in columns] for row in rows])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export(registry: Registry, path: Path) -> Path:
    """Write the workbook whole or not at all (a ReportError says why not); where it went."""
    return write_whole({path: render(registry)})[0]
