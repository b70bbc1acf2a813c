"""Reading landing files: encodings, formats, headers in either language, rejections."""

import datetime as dt

import openpyxl
import pytest

from hubei_data.contracts import source
from hubei_data.ingest.errors import UnreadableFile
from hubei_data.ingest.headers import map_headers
from hubei_data.ingest.readers import inspect_file, read_rows

ROWS = [["国药准字H20043567", "阿莫西林胶囊", "2020年1月5日"], ["国药准字Z20043568", "布洛芬片", "20200105"]]


def _csv(path, encoding, header=("approval_no", "generic_name", "approved_on")):
    lines = [",".join(header)] + [",".join(r) for r in ROWS]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_every_agreed_encoding_reads_the_same(tmp_path, encoding):
    path = _csv(tmp_path / "a.csv", encoding)
    with read_rows(path, inspect_file(path)) as (header, rows):
        assert header == ["approval_no", "generic_name", "approved_on"]
        assert list(rows) == [(2, ROWS[0]), (3, ROWS[1])]


def test_same_bytes_same_digest_whatever_the_name(tmp_path):
    a, b = _csv(tmp_path / "a.csv", "utf-8"), _csv(tmp_path / "b.csv", "utf-8")
    assert inspect_file(a).sha256 == inspect_file(b).sha256


def test_unknown_encoding_is_rejected(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(b"approval_no\n" + "\u4e2d".encode("utf-16-le") + b"\xff\xfe\x81")
    with pytest.raises(UnreadableFile, match="encoding"):
        inspect_file(path)


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("a.txt", b"x", "not a CSV or XLSX"),
    ("a.xls", b"x", "not a CSV or XLSX"),
    ("a.csv", b"", "empty"),
    ("a.xlsx", b"not a zip", "XLSX"),
])
def test_unreadable_files_are_rejected_with_the_reason(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(UnreadableFile, match=reason):
        inspect_file(path)


def test_xlsx_date_cells_read_as_iso_dates(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["批准文号", "通用名称", "批准日期", "剂次"])
    sheet.append(["国药准字H20043567", "阿莫西林胶囊", dt.datetime(2020, 1, 5), 2])
    sheet.append([None, None, None, None])
    path = tmp_path / "a.xlsx"
    book.save(path)
    with read_rows(path, inspect_file(path)) as (header, rows):
        assert header == ["批准文号", "通用名称", "批准日期", "剂次"]
        assert list(rows) == [(2, ["国药准字H20043567", "阿莫西林胶囊", "2020-01-05", "2"])]


def test_xlsx_cells_keep_their_columns_and_row_numbers(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["B1"], sheet["C1"] = "通用名称", "批准日期"
    sheet["C3"] = dt.datetime(2020, 1, 5, 8, 30)
    sheet["B5"] = "布洛芬片"
    path = tmp_path / "a.xlsx"
    book.save(path)
    with read_rows(path, inspect_file(path)) as (header, rows):
        assert header == [None, "通用名称", "批准日期"]
        assert list(rows) == [(3, [None, None, "2020-01-05 08:30:00"]), (5, [None, "布洛芬片", None])]


def test_headers_map_in_english_chinese_full_width_and_any_order():
    penalty = source("penalty")
    mapping = map_headers(penalty, ["罚款金额（元）", "CASE_NO", " 当事人统一社会信用代码\u3000", "备注", "updated_at"])
    assert mapping.columns == {0: "fine_yuan", 1: "case_no", 2: "uscc", 4: "updated_at"}
    assert mapping.extras == {3: "备注"}
    assert "violation" in mapping.missing


def test_missing_required_columns_are_named():
    with pytest.raises(ValueError, match=r"uscc \(统一社会信用代码\)"):
        map_headers(source("enterprise"), ["name", "updated_at"])


def test_two_headers_for_one_column_are_refused():
    with pytest.raises(ValueError, match="both name column uscc"):
        map_headers(source("enterprise"), ["uscc", "统一社会信用代码", "name", "updated_at"])
