"""Drift seen at harvest on a real source database: a finding with its diff, once, an alert to the owner, resolved."""

import psycopg
import pytest

from hubei_data.metadata.drift_checks import check_key
from tests import inspection_system as inspection_system_
from tests.inspection_system import INSPECTION_TABLE
from tests.people import invoke

@pytest.fixture
def inspection_system(migrated_database, fresh_database, use_warehouse, tmp_path, monkeypatch):
    """A warehouse of its own, the inspection system's database shaped as its contract, and 省药监局's contacts."""
    return inspection_system_.connect(migrated_database, fresh_database, use_warehouse, tmp_path, monkeypatch)


def _harvest() -> str:
    result = invoke(["metadata", "harvest", "inspection"])
    assert result.exit_code == 0, result.output
    return result.stderr


def _check_passed() -> bool:
    """The latest evaluation of inspection's schema-change check, as the UI shows it."""
    from hubei_data import runner

    latest = runner.instance().event_log_storage.get_latest_asset_check_execution_by_key([check_key("inspection")])
    return latest[check_key("inspection")].evaluation.passed


def _rows(info, query: str) -> list[tuple]:
    with psycopg.connect(info.url) as conn:
        return conn.execute(query).fetchall()


def test_a_retyped_and_an_added_column_raise_one_finding_and_one_alert_until_the_table_matches_again(
        inspection_system):
    from hubei_data import warehouse

    here = warehouse.connect_info()
    _harvest()
    assert _rows(here, "select count(*) from ops.schema_drift") == [(0,)], "a table like its contract has no drift"
    with psycopg.connect(inspection_system.url, autocommit=True) as conn:
        conn.execute("alter table inspection add column inspector varchar(20),"
                     " alter column findings type varchar(10)")
    said = _harvest()
    assert "inspection: drift finding" in said and "findings retyped: integer → VARCHAR(10)" in said
    listed = invoke(["drift", "list", "--format", "json"])
    assert listed.exit_code == 0, listed.output
    [line] = listed.stdout.splitlines()
    assert '"source": "inspection"' in line and '"breaking": "no"' in line
    [(finding_id, diff, observed_in)] = _rows(here, "select finding_id, diff, observed_in from ops.schema_drift")
    assert diff == [
        {"kind": "added", "column": "inspector", "declared": None, "observed": "VARCHAR(20)", "breaking": False},
        {"kind": "retyped", "column": "findings", "declared": "integer", "observed": "VARCHAR(10)", "breaking": False},
    ]
    assert observed_in == "inspection metadata version 2 (public.inspection)"
    shown = invoke(["drift", "show", str(finding_id), "--format", "csv"])
    assert shown.exit_code == 0, shown.output
    assert "retyped,findings,integer,VARCHAR(10),no" in shown.stdout and "informational, open" in shown.stderr
    assert not _check_passed(), "the raw table's check fails from the harvest on, not from its next build"
    unknown = invoke(["drift", "show", "99999"])
    assert (unknown.exit_code, unknown.output.strip()) == (
        1, "Error: no drift finding 99999: `hubei-data drift list --all` lists them")

    _harvest()
    with psycopg.connect(inspection_system.url, autocommit=True) as conn:
        conn.execute("insert into inspection values ('JC-2', '91420100MA4K0000X1', null, null, null, '1',"
                     " '2026-01-03 09:00', 'x')")
    _harvest()
    assert _rows(here, "select count(*), max(last_seen_in) from ops.schema_drift") == [
        (1, "inspection metadata version 2 (public.inspection)")], "the same drift again is the same finding"
    mails = _rows(here, "select recipient, subject from ops.notifications order by notification_id")
    assert len(mails) == 1, "the owner is told once, not on every harvest"
    assert mails[0][0] == "inspection@yjj.example.gov.cn"
    assert mails[0][1].startswith(f"[预警] 数据源 inspection（日常监督检查）的业务系统表与登记结构不符（漂移"
                               f" #{finding_id}，数据照常接收）：inspector added (VARCHAR(20)); findings retyped")

    with psycopg.connect(inspection_system.url, autocommit=True) as conn:
        conn.execute("alter table inspection drop column inspector, alter column findings type integer using 0")
    assert f"drift finding {finding_id} resolved" in _harvest()
    assert _check_passed()
    assert invoke(["drift", "list", "--format", "json"]).stdout == ""
    assert _rows(here, "select resolved_in from ops.schema_drift") == [
        ("inspection metadata version 3 (public.inspection)",)]
    assert [s for (s,) in _rows(here, "select subject from ops.notifications order by notification_id")][1].startswith(
        "[恢复]")


def test_the_nightly_harvest_finds_drift_as_the_command_does(inspection_system):
    import dagster as dg

    from hubei_data import warehouse
    from hubei_data.metadata.definitions import metadata_harvest_job
    from hubei_data.resources import WarehouseResource

    with psycopg.connect(inspection_system.url, autocommit=True) as conn:
        conn.execute("alter table inspection alter column uscc type varchar(20)")
    result = metadata_harvest_job.execute_in_process(resources={"warehouse": WarehouseResource()},
                                                     instance=dg.DagsterInstance.ephemeral())
    assert result.success
    lengthened = {"kind": "lengthened", "column": "uscc", "declared": "text(18)", "observed": "VARCHAR(20)",
                  "breaking": False}
    assert _rows(warehouse.connect_info(), "select source, channel, diff from ops.schema_drift") == [
        ("inspection", "table", [lengthened])]


def test_a_dropped_source_table_is_a_breaking_finding_told_to_its_owner_until_it_is_back(inspection_system):
    from hubei_data import warehouse

    here = warehouse.connect_info()
    with psycopg.connect(inspection_system.url, autocommit=True) as conn:
        conn.execute("create table checklist (item text)")
    _harvest()
    with psycopg.connect(inspection_system.url, autocommit=True) as conn:
        conn.execute("drop table inspection")
    assert invoke(["metadata", "harvest", "inspection", "--table", "checklist"]).exit_code == 0
    assert _rows(here, "select count(*) from ops.schema_drift") == [(0,)], (
        "a harvest of other tables did not look for it")
    said = _harvest()
    assert "inspection: drift finding" in said and "table inspection removed (7 columns declared)" in said
    [(finding_id, diff, observed_in, breaking)] = _rows(
        here, "select finding_id, diff, observed_in, breaking from ops.schema_drift")
    assert diff == [{"kind": "table_removed", "column": "inspection", "declared": "7 columns", "observed": None,
                     "breaking": True}]
    assert (observed_in, breaking) == ("inspection metadata version 2 (no public.inspection)", True)
    shown = invoke(["drift", "show", str(finding_id), "--format", "csv"])
    assert "table_removed,inspection,7 columns,,yes" in shown.stdout and "breaking, open" in shown.stderr
    assert not _check_passed()
    [(subject,)] = _rows(here, "select subject from ops.notifications")
    assert subject.startswith(f"[告警] 数据源 inspection（日常监督检查）的业务系统表与登记结构不符（漂移 #{finding_id}，"
                              "表已不存在，抽取将被拒绝）：table inspection removed")

    _harvest()
    assert _rows(here, "select count(*) from ops.schema_drift where resolved_at is null") == [(1,)], (
        "still gone: still open, and not found twice")
    with psycopg.connect(inspection_system.url, autocommit=True) as conn:
        conn.execute(INSPECTION_TABLE)
    assert f"drift finding {finding_id} resolved" in _harvest()
    assert _check_passed()
