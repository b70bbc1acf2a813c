"""Drift seen by the daily extract of a real source database: extra columns land in `_extra` and are flagged, a
retyped column is flagged, a table without a required column or without the table is refused with the reason and
flagged as breaking, and a table like its contract again resolves what was found."""

import dagster as dg
import psycopg
import pytest

from hubei_data.metadata.drift_checks import check_key
from hubei_data.resources import SourceDatabaseResource, WarehouseResource
from tests import inspection_system
from tests.inspection_system import INSPECTION_TABLE

DAY = "2026-01-02"


@pytest.fixture
def supervision(migrated_database, fresh_database, use_warehouse, tmp_path, monkeypatch):
    """A warehouse of its own, the inspection system's database shaped as its contract, and 省药监局's contacts."""
    return inspection_system.connect(migrated_database, fresh_database, use_warehouse, tmp_path, monkeypatch)


def _system(info, *statements: str) -> None:
    with psycopg.connect(info.url, autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


def _extract() -> dg.ExecuteInProcessResult:
    """The daily extract of inspection for one day, as the schedule runs it."""
    from hubei_data.ingest.assets import EXTRACT_ASSETS, extract_key

    [asset] = [a for a in EXTRACT_ASSETS if a.key == extract_key("inspection")]
    return dg.materialize([asset], partition_key=DAY, instance=dg.DagsterInstance.ephemeral(),
                          resources={"warehouse": WarehouseResource(), "source_db": SourceDatabaseResource()},
                          raise_on_error=False)


def _failure(result: dg.ExecuteInProcessResult) -> str:
    [failure] = [e for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_FAILURE]
    return failure.step_failure_data.error.message


def _rows(query: str) -> list[tuple]:
    from hubei_data import warehouse

    with psycopg.connect(warehouse.connect_info().url) as conn:
        return conn.execute(query).fetchall()


def _check() -> dg.AssetCheckEvaluation:
    """The latest evaluation of inspection's schema-change check, as the UI shows it."""
    from hubei_data import runner

    latest = runner.instance().event_log_storage.get_latest_asset_check_execution_by_key([check_key("inspection")])
    return latest[check_key("inspection")].evaluation


def test_the_daily_extract_compares_the_source_table_with_its_contract_as_a_landing_file_does(supervision):
    _system(supervision, "alter table inspection add column 检查人 varchar(20),"
            " alter column findings type varchar(10)", "update inspection set 检查人 = '张三'")
    assert _extract().success
    assert _rows("select inspection_id, findings, _extra from landing.inspection") == [
        ("JC-1", "0", {"检查人": "张三"})], "the extra column is kept, the retyped one lands as text"
    [(first, channel, diff, observed_in, breaking)] = _rows(
        "select finding_id, channel, diff, observed_in, breaking from ops.schema_drift")
    assert (channel, observed_in, breaking) == ("table", "inspection daily extract of 2026-01-02 (inspection)", False)
    assert diff == [
        {"kind": "added", "column": "检查人", "declared": None, "observed": "VARCHAR(20)", "breaking": False},
        {"kind": "retyped", "column": "findings", "declared": "integer", "observed": "VARCHAR(10)", "breaking": False},
    ]
    check = _check()
    assert not check.passed and check.severity == dg.AssetCheckSeverity.WARN

    _system(supervision, "alter table inspection drop column uscc, drop column 检查人")
    refused = _extract()
    assert not refused.success
    assert "system inspection table inspection: missing required columns: uscc (" in _failure(refused)
    assert _rows("select count(*) from landing.batches") == [(1,)], "the refused day lands nothing"
    [(second, diff)] = _rows("select finding_id, diff from ops.schema_drift where resolved_at is null")
    assert second != first, "a new difference of the table resolves the one before"
    assert diff[0] == {"kind": "removed", "column": "uscc", "declared": "text(18)", "observed": None, "breaking": True}
    assert _check().severity == dg.AssetCheckSeverity.ERROR

    _system(supervision, "drop table inspection")
    gone = _extract()
    assert "system inspection: has no table inspection" in _failure(gone)
    assert _rows("select diff from ops.schema_drift where resolved_at is null") == [
        ([{"kind": "table_removed", "column": "inspection", "declared": "7 columns", "observed": None,
           "breaking": True}],)]
    assert "table inspection removed (7 columns declared)" in _check().description

    _system(supervision, INSPECTION_TABLE)
    assert _extract().success
    assert _rows("select count(*) from ops.schema_drift where resolved_at is null") == [(0,)]
    assert _check().passed
    told = _rows("select recipient, subject from ops.notifications order by notification_id")
    assert {recipient for recipient, _ in told} == {"inspection@yjj.example.gov.cn"}
    assert [subject[:4] for _, subject in told] == ["[预警]", "[告警]", "[恢复]", "[告警]", "[恢复]", "[恢复]"], (
        "each finding told once when found and once when resolved")
    assert "表已不存在，抽取将被拒绝" in told[3][1]
