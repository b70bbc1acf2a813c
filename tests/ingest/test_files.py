"""Landing files into the real warehouse: once per content, all or nothing, lineage kept."""

import shutil

from hubei_data.contracts import source
from hubei_data.ingest.files import land_file

HEADER = "case_no,uscc,decided_on,fine_yuan,updated_at,备注\n"


def _rows(conn, batch):
    return conn.execute(
        "select case_no, fine_yuan, _extra, _defect, _row_number from landing.penalty"
        " where _batch_id = %s order by _row_number",
        (batch,),
    ).fetchall()


def test_a_file_lands_once_with_values_as_sent_and_lineage(conn, tmp_path):
    path = tmp_path / "p1.csv"
    path.write_text(HEADER + "鄂药监罚〔2024〕1号 ,9142,2024/01/02, 1000 ,2024-01-02 10:00:00,首次\n", encoding="utf-8")
    first = land_file(conn, path, source("penalty"))
    assert first.status == "loaded" and first.rows == 1 and first.extra_columns == ["备注"]
    assert _rows(conn, first.batch_id) == [("鄂药监罚〔2024〕1号 ", " 1000 ", {"备注": "首次"}, None, 2)]
    copy = tmp_path / "renamed.csv"
    shutil.copy(path, copy)
    for again in (path, copy):
        result = land_file(conn, again, source("penalty"))
        assert (result.status, result.batch_id) == ("skipped", first.batch_id)
    assert len(_rows(conn, first.batch_id)) == 1


def test_a_rejected_file_leaves_nothing_but_its_rejection(conn, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("fine_yuan,备注\n1,x\n", encoding="utf-8")
    before = conn.execute("select count(*) from landing.penalty").fetchone()[0]
    result = land_file(conn, path, source("penalty"))
    assert result.status == "rejected"
    assert "missing required columns" in result.reason and "case_no" in result.reason
    assert conn.execute("select count(*) from landing.penalty").fetchone()[0] == before
    logged = conn.execute(
        "select status, reason from landing.batches where origin = %s", (str(path.resolve()),)
    ).fetchall()
    assert logged == [("rejected", result.reason)]
    land_file(conn, path, source("penalty"))
    again = conn.execute("select count(*) from landing.batches where origin = %s", (str(path.resolve()),))
    assert again.fetchone()[0] == 1


def test_rows_of_the_wrong_shape_are_kept_and_marked(conn, tmp_path):
    path = tmp_path / "shape.csv"
    path.write_text(HEADER + "A1,9142,2024-01-02,1,2024-01-02,x,surplus\nA2,9142\n", encoding="utf-8")
    result = land_file(conn, path, source("penalty"))
    rows = _rows(conn, result.batch_id)
    assert rows[0][2] == {"备注": "x", "_overflow": ["surplus"]}
    assert "beyond the header" in rows[0][3]
    assert rows[1][3] == "row has 2 fields but the header has 6"
