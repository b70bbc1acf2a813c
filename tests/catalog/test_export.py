"""The catalog list as a spreadsheet people can read: every sheet with a frozen bold heading row, a filter
over every column, widths fitted to the content (CJK characters count double) and long text wrapped."""

import csv

import pytest
from openpyxl import load_workbook

from hubei_data.catalog import export
from hubei_data.catalog.declared import declared_entries
from hubei_data.metrics.catalog import sheet_rows
from hubei_data.metrics.registry import load_registry


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    rows = export.catalog_rows(export.share_library(list(declared_entries().values())))
    path = tmp_path_factory.mktemp("catalog") / "catalog.xlsx"
    export.write(rows, path, "xlsx", sheet_rows(load_registry()))
    return load_workbook(path)


@pytest.mark.parametrize(("text", "width"), [("uscc", 4), ("统一社会信用代码", 16), ("药品（OTC）", 11), ("ＡＢ", 4), ("", 0)])
def test_display_width_counts_wide_characters_twice(text, width):
    assert export.display_width(text) == width


def test_both_sheets_are_there(book):
    assert book.sheetnames == ["数据资源目录清单", "指标目录"]


@pytest.mark.parametrize("sheet", ["数据资源目录清单", "指标目录"])
def test_every_sheet_has_a_frozen_bold_heading_and_a_filter_over_every_column(book, sheet):
    sheet = book[sheet]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}{sheet.max_row}"
    assert all(cell.font.bold for cell in sheet[1])


@pytest.mark.parametrize("sheet", ["数据资源目录清单", "指标目录"])
def test_every_column_is_as_wide_as_its_content_up_to_a_limit_then_wraps(book, sheet):
    sheet = book[sheet]
    for heading, *cells in sheet.iter_cols():
        width = sheet.column_dimensions[heading.column_letter].width
        widest = max(export.display_width(str(c.value)) for c in cells if c.value is not None)
        assert export.display_width(heading.value) + export.FILTER_BUTTON <= width <= export.MAX_WIDTH
        assert width == min(max(widest, export.display_width(heading.value) + export.FILTER_BUTTON) + 2,
                            export.MAX_WIDTH)
        for cell in cells:
            too_long = export.display_width(str(cell.value or "")) > width - 2
            assert bool(cell.alignment.wrap_text) == too_long
            if too_long:
                assert sheet.row_dimensions[cell.row].height >= 2 * export.LINE_POINTS


def test_a_wide_chinese_column_is_wider_than_a_latin_one_of_as_many_characters(book):
    sheet = book["数据资源目录清单"]
    widths = {cell.value: sheet.column_dimensions[cell.column_letter].width for cell in sheet[1]}
    names = [c.value for c in sheet["M"][1:]]
    fields = [c.value for c in sheet["N"][1:]]
    assert max(map(len, names)) <= max(map(len, fields)) and widths["信息项名称"] > widths["字段名"]


def test_csv_keeps_one_row_per_item_with_chinese_headings(tmp_path):
    rows = export.catalog_rows(export.share_library(list(declared_entries().values())))
    path = tmp_path / "catalog.csv"
    export.write(rows, path, "csv")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        read = list(csv.reader(handle))
    assert read[0] == [chinese for _, chinese in export.COLUMNS] and len(read) == len(rows) + 1
