"""A plain CSV file lands with one server-side COPY; any other file row by row; both keep exactly the same rows."""

import pytest

from hubei_data.contracts import source
from hubei_data.ingest import bulk
from hubei_data.ingest.files import land_file

HEADER = "case_no,uscc,decided_on,fine_yuan,updated_at"
ROW = "鄂药监罚〔2024〕1号 ,91420100MA4K12345K,2024/01/02, 1000 ,2024-01-02 10:00:00"
EMPTY_VALUES = "A2,9142,,,2024-01-03 00:00:00"

# name: (file bytes, lands with one COPY)
FILES = {
    "UTF-8": ((f"{HEADER}\n{ROW}\n{EMPTY_VALUES}\n").encode(), True),
    "UTF-8 with BOM, CRLF": (b"\xef\xbb\xbf" + f"{HEADER}\r\n{ROW}\r\n{EMPTY_VALUES}\r\n".encode(), True),
    "GBK": (f"{HEADER}\n{ROW}\n".encode("gbk"), True),
    "Chinese headers": (f"处罚决定书文号,当事人统一社会信用代码,更新时间\n{ROW.split(',')[0]},9142,2024-01-02\n".encode(), True),
    "no newline at the end": (f"{HEADER}\n{ROW}".encode(), True),
    "header only": (f"{HEADER}\n".encode(), True),
    "a quoted field": (f'{HEADER}\n"A,1",9142,,,2024-01-02\n'.encode(), False),
    "a quote inside a field": (f'{HEADER}\nA"1,9142,,,2024-01-02\nA""2,9142,,,2024-01-02\n'.encode(), False),
    "a blank line": (f"{HEADER}\n{ROW}\n\n{EMPTY_VALUES}\n".encode(), False),
    "a row of commas": (f"{HEADER}\n,,,,\n{EMPTY_VALUES}\n".encode(), False),
    "a last row of commas": (f"{HEADER}\n{ROW}\n,,,,".encode(), False),
    "a short row": (f"{HEADER}\n{ROW}\nA3,9142\n".encode(), False),
    "a long row": (f"{HEADER}\n{ROW},surplus\n".encode(), False),
    "an extra column": (f"{HEADER},备注\n{ROW},首次\n".encode(), False),
    "an end-of-data line": (f"{HEADER}\n{ROW}\n\\.\n{EMPTY_VALUES}\n".encode(), False),
}


def _landed(conn, batch: int) -> tuple:
    rows = conn.execute(
        "select case_no, uscc, decided_on, violation, fine_yuan, updated_at, _extra, _defect, _row_number"
        " from landing.penalty where _batch_id = %s order by _row_number", (batch,)).fetchall()
    logged = conn.execute(
        "select status, sha256, size_bytes, format, encoding, row_count, extra_columns, missing_columns"
        " from landing.batches where batch_id = %s", (batch,)).fetchone()
    return rows, logged


def _forget(conn, batch: int) -> None:
    conn.execute("delete from landing.penalty where _batch_id = %s", (batch,))
    conn.execute("delete from landing.batches where batch_id = %s", (batch,))


@pytest.mark.parametrize("content, plain", FILES.values(), ids=FILES.keys())
def test_a_file_lands_the_same_rows_with_one_copy_or_row_by_row(conn, tmp_path, monkeypatch, content, plain):
    path = tmp_path / "file.csv"
    path.write_bytes(content)
    attempts = []
    copy_if_plain = bulk.land_plain
    monkeypatch.setattr(bulk, "land_plain", lambda *args: attempts.append(copy_if_plain(*args)) or attempts[-1])
    first = land_file(conn, path, source("penalty"))
    assert first.status == "loaded", first.reason
    assert (attempts[0] is not None) == plain
    by_copy = _landed(conn, first.batch_id)
    _forget(conn, first.batch_id)

    monkeypatch.setattr(bulk, "land_plain", lambda *args: None)
    second = land_file(conn, path, source("penalty"))
    assert (first.rows, first.missing_columns) == (second.rows, second.missing_columns)
    assert by_copy == _landed(conn, second.batch_id)
    _forget(conn, second.batch_id)


def test_the_same_bytes_under_another_name_are_not_landed_twice_by_copy(conn, tmp_path):
    content, _ = FILES["UTF-8"]
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_bytes(content)
    second.write_bytes(content)
    loaded = land_file(conn, first, source("penalty"))
    again = land_file(conn, second, source("penalty"))
    assert (again.status, again.batch_id) == ("skipped", loaded.batch_id)
    assert conn.execute("select count(*) from landing.penalty where case_no = 'A2'").fetchone()[0] == 1
    _forget(conn, loaded.batch_id)


def test_rows_are_numbered_from_two_in_every_file(conn, tmp_path):
    batches = []
    for name, rows in (("x.csv", 3), ("y.csv", 2)):
        path = tmp_path / name
        path.write_text(HEADER + "\n" + "".join(f"{name}{n},9142,,,2024-01-02\n" for n in range(rows)))
        batches.append(land_file(conn, path, source("penalty")).batch_id)
    numbers = [[row[-1] for row in _landed(conn, batch)[0]] for batch in batches]
    assert numbers == [[2, 3, 4], [2, 3]]
    for batch in batches:
        _forget(conn, batch)
