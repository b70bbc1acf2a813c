"""Reading a source database by updated_at windows: each change lands once, nothing twice."""

import datetime as dt

import pytest
import sqlalchemy as sa

from hubei_data import warehouse as wh
from hubei_data.contracts import source
from hubei_data.ingest import landing
from hubei_data.ingest.database import extract_window

DAY = dt.datetime(2026, 3, 1)


@pytest.fixture
def systems(warehouse):
    with wh.connect(autocommit=True) as conn:
        landing.ensure_landing(conn)
        conn.execute("drop schema if exists test_systems cascade")
        conn.execute("create schema test_systems")
        conn.execute(
            "create table test_systems.inspection (inspection_id text, uscc text, inspected_on date,"
            " result text, findings integer, updated_at timestamp, inspector text)"
        )
        conn.execute(
            "insert into test_systems.inspection values"
            " ('J1', '914201000000000001', '2026-02-27', '符合', 0, '2026-03-01 09:00', '张三'),"
            " ('J2', '914201000000000002', '2026-02-28', '不符合', 3, '2026-03-01 23:59:59', '李四'),"
            " ('J3', '914201000000000003', '2026-03-01', '符合', 0, '2026-03-02 00:00', '王五')"
        )
        engine = sa.create_engine(wh.connect_info().sqlalchemy_url)
        yield conn, engine
        engine.dispose()


def _extract(conn, engine, day=DAY):
    return extract_window(conn, engine, "test_systems", source("inspection"), day, day + dt.timedelta(days=1))


def test_a_day_lands_its_rows_as_text_with_extras(systems):
    conn, engine = systems
    result = _extract(conn, engine)
    assert (result.status, result.rows) == ("loaded", 2)
    rows = conn.execute(
        "select inspection_id, inspected_on, findings, updated_at, division_code, _extra, _row_number"
        " from landing.inspection where _batch_id = %s order by _row_number",
        (result.batch_id,),
    ).fetchall()
    assert rows == [
        ("J1", "2026-02-27", "0", "2026-03-01 09:00:00", None, {"inspector": "张三"}, 1),
        ("J2", "2026-02-28", "3", "2026-03-01 23:59:59", None, {"inspector": "李四"}, 2),
    ]


def test_rereading_an_unchanged_day_lands_nothing_and_a_change_lands_once(systems):
    conn, engine = systems
    first = _extract(conn, engine)
    again = _extract(conn, engine)
    assert (again.status, again.batch_id) == ("unchanged", first.batch_id)
    conn.execute("update test_systems.inspection set findings = 4 where inspection_id = 'J2'")
    changed = _extract(conn, engine)
    assert changed.status == "loaded" and changed.batch_id != first.batch_id
    empty = _extract(conn, engine, DAY - dt.timedelta(days=5))
    assert (empty.status, empty.rows) == ("empty", 0)
    batches = conn.execute(
        "select count(*) from landing.batches where source = 'inspection' and origin like %s",
        ("%test_systems.inspection?updated_at=[2026-03-01T00:00:00%",),
    ).fetchone()[0]
    assert batches == 2
