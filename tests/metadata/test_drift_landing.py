"""Drift seen in landed files: an extra column kept in raw and flagged, a missing required one refused and flagged,
the raw table's schema-change check failing while a finding is open and passing once files match again; a source
table without a required column refused in one line."""

import datetime as dt
from pathlib import Path

import dagster as dg
import psycopg
import pytest
import sqlalchemy as sa

from hubei_data.contracts import source
from hubei_data.ingest import landing
from hubei_data.ingest.assets import files_key
from hubei_data.ingest.database import extract_window
from hubei_data.ingest.errors import IngestError
from hubei_data.ingest.files import land_file
from hubei_data.metadata.drift_checks import check_key

SAMPLING = source("sampling")
RAW = dg.AssetKey(["raw", "sampling"])
USCC = "91420100MA4K0000X1"


@pytest.fixture
def own_warehouse(migrated_database, use_warehouse, tmp_path, monkeypatch):
    """A migrated warehouse in use, and 省药监局's contacts."""
    info = migrated_database("landdrift")
    use_warehouse(info)
    contacts = tmp_path / "contacts.yaml"
    contacts.write_text("省药监局:\n  emails: [sampling@yjj.example.gov.cn]\n", encoding="utf-8")
    monkeypatch.setenv("HUBEI_DATA_CONTACTS", str(contacts))
    return info


def _file(tmp_path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _build(path: Path) -> dg.ExecuteInProcessResult:
    from hubei_data import runner

    config = {"ops": {files_key("sampling").to_python_identifier(): {"config": {"paths": [str(path)]}}}}
    result = runner.run_job("build_all_job", run_config=config, selection=[files_key("sampling"), RAW])
    assert result.success
    return result


def _drift_check(result: dg.ExecuteInProcessResult) -> dg.AssetCheckEvaluation:
    [evaluation] = [e for e in result.get_asset_check_evaluations() if e.asset_check_key == check_key("sampling")]
    return evaluation


def _rows(info, query: str, *args) -> list[tuple]:
    with psycopg.connect(info.url) as conn:
        return conn.execute(query, args).fetchall()


def test_files_that_differ_from_the_contract_are_flagged_while_what_can_land_lands_and_raw_stays_whole(
        own_warehouse, tmp_path):
    from hubei_data import warehouse
    from hubei_data.metadata import drift_checks

    with_extra = _build(_file(tmp_path, "a.csv",
                              f"sample_no,uscc,sampled_on,result,检查人\nCY1,{USCC},2026-01-02,合格,张三\n"))
    assert _rows(own_warehouse, "select sample_no, _extra from raw.sampling") == [("CY1", {"检查人": "张三"})]
    check = _drift_check(with_extra)
    assert not check.passed and check.severity == dg.AssetCheckSeverity.WARN
    [finding] = check.metadata["diff"].value
    assert finding["changes"] == [
        {"kind": "added", "column": "检查人", "declared": None, "observed": None, "breaking": False}]

    with warehouse.connect(autocommit=True) as conn:
        refused = land_file(conn, _file(tmp_path, "b.csv", "sample_no,sampled_on\nCY2,2026-01-03\n"), SAMPLING)
        assert refused.status == "rejected" and "missing required columns: uscc (" in refused.reason
        breaking = drift_checks.result(conn, "sampling")
    assert not breaking.passed and breaking.severity == dg.AssetCheckSeverity.ERROR
    assert "uscc (text(18)) removed" in breaking.description and "检查人 added" in breaking.description, (
        "files from several senders: each difference stays open beside the others")
    assert _rows(own_warehouse, "select sample_no from raw.sampling") == [("CY1",)], "what landed before stays"

    with warehouse.connect(autocommit=True) as conn:
        matching = land_file(conn, _file(tmp_path, "c.csv", f"sample_no,uscc,sampled_on\nCY3,{USCC},2026-01-04\n"),
                             SAMPLING)
        assert matching.status == "loaded"
        assert not drift_checks.result(conn, "sampling").passed, "other senders' files showed them just now"
        conn.execute("update ops.schema_drift set last_seen_at = last_seen_at - interval '25 hours'")
        land_file(conn, _file(tmp_path, "e.csv", f"sample_no,uscc\nCY5,{USCC}\n"), SAMPLING)
        assert drift_checks.result(conn, "sampling").passed, "a day later, a file like the contract resolves them"
    assert _rows(own_warehouse, "select count(*) from ops.schema_drift where resolved_at is null") == [(0,)]
    told = _rows(own_warehouse, "select recipient, subject from ops.notifications order by notification_id")
    assert {recipient for recipient, _ in told} == {"sampling@yjj.example.gov.cn"}
    assert [subject[:4] for _, subject in told] == ["[预警]", "[告警]", "[恢复]", "[恢复]"], (
        "each finding told once when found and once when resolved")

    with warehouse.connect(autocommit=True) as conn:
        land_file(conn, _file(tmp_path, "d.csv", f"sample_no,uscc,检查人\nCY4,{USCC},李四\n"), SAMPLING)
    assert _rows(own_warehouse, "select finding_id, resolved_at from ops.schema_drift order by 1")[0] == (
        finding["finding"], None), "the same difference again reopens its finding, not a second one"
    assert _rows(own_warehouse, "select count(*) from ops.schema_drift") == [(2,)]


def test_a_source_table_without_a_required_column_lands_nothing_and_says_which(own_warehouse, fresh_database):
    from hubei_data import warehouse

    system = fresh_database("inspection")
    with psycopg.connect(system.url, autocommit=True) as conn:
        conn.execute("create table inspection (inspection_id text, inspected_on date, updated_at timestamp);"
                     " insert into inspection values ('J1', '2026-03-01', '2026-03-01 09:00')")
    engine = sa.create_engine(system.sqlalchemy_url)
    day = dt.datetime(2026, 3, 1)
    try:
        with warehouse.connect(autocommit=True) as conn:
            landing.ensure_landing(conn)
            with pytest.raises(IngestError) as refused:
                extract_window(conn, engine, None, source("inspection"), day, day + dt.timedelta(days=1))
    finally:
        engine.dispose()
    assert str(refused.value).startswith("system inspection table inspection: missing required columns: uscc (")
    assert _rows(own_warehouse, "select count(*) from landing.batches") == [(0,)]
