"""The source-system tables: typed columns named as the contract says, rows as reported, reruns equal."""

import datetime as dt

from conftest import AS_OF, SCHEMA
from psycopg import sql

from hubei_data import warehouse as warehouse_module
from hubei_data.contracts import SOURCES
from hubei_data.synth import generate

PG_TYPES = {"text": "text", "date": "date", "timestamp": "timestamp without time zone",
            "integer": "bigint", "decimal": "numeric"}
DATABASE_SOURCES = [s for s in SOURCES.values() if s.channel == "database"]


def _columns(conn, table: str) -> list[tuple[str, str]]:
    return conn.execute(
        "select column_name, data_type from information_schema.columns"
        " where table_schema = %s and table_name = %s order by ordinal_position",
        (SCHEMA, table),
    ).fetchall()


def _snapshot(conn) -> dict[str, list[tuple]]:
    out = {}
    for contract in DATABASE_SOURCES:
        query = sql.SQL("select * from {} order by {}").format(
            sql.Identifier(SCHEMA, contract.name),
            sql.SQL(", ").join(sql.Identifier(c.name) for c in contract.columns),
        )
        out[contract.name] = conn.execute(query).fetchall()
    return out


def test_tables_have_the_contract_columns_and_the_reported_rows(synth_run):
    with warehouse_module.connect() as conn:
        for contract in DATABASE_SOURCES:
            expected = [(c.name, PG_TYPES[c.type]) for c in contract.columns]
            assert _columns(conn, contract.name) == expected
            count = conn.execute(sql.SQL("select count(*) from {}").format(sql.Identifier(SCHEMA, contract.name)))
            assert count.fetchone()[0] == synth_run.report.rows[contract.name]["database"]


def test_updated_at_covers_each_of_the_30_days_before_as_of(synth_run):
    first = AS_OF - dt.timedelta(days=30)
    for contract in DATABASE_SOURCES:
        days = [r.values["updated_at"].date() for r in synth_run.of(contract.name, "database")]
        assert min(days) >= first and max(days) < AS_OF, contract.name
        assert set(days) == {first + dt.timedelta(days=n) for n in range(30)}, contract.name


def test_a_rerun_gives_identical_tables_and_files(synth_run, tmp_path):
    with warehouse_module.connect() as conn:
        before = _snapshot(conn)
        report = generate(tmp_path, as_of=AS_OF, conn=conn, schema=SCHEMA)
        assert _snapshot(conn) == before
    assert report.defects == synth_run.report.defects
    assert report.rows == synth_run.report.rows
    first = {p.relative_to(synth_run.out_dir): p.read_bytes() for p in synth_run.out_dir.rglob("*") if p.is_file()}
    again = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert again == first


def test_files_do_not_depend_on_having_a_database(synth_run, tmp_path):
    report = generate(tmp_path, as_of=AS_OF, conn=None)
    assert all("database" not in channels for channels in report.rows.values())
    for path in report.files:
        assert path.read_bytes() == (synth_run.out_dir / path.relative_to(tmp_path)).read_bytes(), path.name
    assert {d for d in report.defects} == {d for d in synth_run.report.defects if d.channel == "file"}
