"""A second, new source database through the command line, as a user meets it: harvested, one table registered as
a source and its catalog entry taken through draft → approval, ingested, shown in dbt docs and the XLSX 清单 with
its standards; then a column added and one retyped in the source: the drift finding, the UI check and the alert,
while the rows landed before stay as they were."""

import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import psycopg
import pytest
import yaml

from hubei_data import project
from hubei_data import warehouse as wh
from hubei_data.catalog.items import TIMESTAMP, USCC
from hubei_data.control.permissions import Permission, Role
from tests import people, recall_system

pytestmark = pytest.mark.slow

OWNER_EMAIL = "recall@yjj.example.gov.cn"
ROWS = ("insert into recall_notice (recall_no, approval_no, uscc, started_on, amount, batches, updated_at) values"
        " ('ZH2026001', '国药准字H20003263', '914201001777425124', '2026-02-27', 1200.50, 3, '2026-03-01 09:30'),"
        " ('ZH2026002', null, null, '2026-02-28', null, null, '2026-03-01 15:00')")
RESOURCE_ROWS = "select recall_no, uscc, started_on::text, amount::text, batches from resource.recall order by 1"


@pytest.fixture
def platform(migrated_database, fresh_database, use_warehouse, monkeypatch, tmp_path):
    """A warehouse and data directory of their own, a copy of the project, the new system declared in it with its
    database, and the drug regulator's contacts; the copy's folder, the system's code and its database."""
    monkeypatch.setenv(wh.DIR_VARIABLE, str(tmp_path / "data"))
    own = migrated_database("acceptance")
    use_warehouse(own)
    contacts = tmp_path / "contacts.yaml"
    contacts.write_text(f"省药监局:\n  emails: [{OWNER_EMAIL}]\n", encoding="utf-8")
    monkeypatch.setenv("HUBEI_DATA_CONTACTS", str(contacts))
    root = recall_system.copy_project(tmp_path)
    system = fresh_database("recall")
    code = recall_system.declare(root, system, monkeypatch)
    with psycopg.connect(system.url, autocommit=True) as conn:
        conn.execute(ROWS)
    return root, code, system


def _command(root: Path, role: Role, *args: str, refused: bool = False) -> str:
    """`hubei-data ARGS` on the copied project as the test account holding `role`; its standard output."""
    done = subprocess.run([str(Path(sys.executable).parent / "hubei-data"), *args], capture_output=True, text=True,
                          timeout=600, env={**os.environ, project.VARIABLE: str(root),
                                            people.TOKEN_VARIABLE: people.token(wh.connect_info(), role)})
    expected = 3 if refused else 0
    assert done.returncode == expected, f"{args} exited {done.returncode}:\n{done.stdout[-2000:]}{done.stderr[-2000:]}"
    return done.stdout if not refused else done.stderr


def _rows(query: str, *parameters) -> list[tuple]:
    with wh.connect() as conn:
        return conn.execute(query, parameters).fetchall()


def test_a_new_source_database_goes_from_harvest_to_the_catalog_and_its_drift_is_seen(platform, tmp_path):
    root, code, system = platform
    steward, developer = Role.DATA_STEWARD, people.role_for(Permission.CATALOG_EDIT)
    operator = people.role_for(Permission.METADATA_HARVEST)

    _command(root, operator, "metadata", "harvest", code)
    candidates = yaml.safe_load_all(_command(root, developer, "metadata", "candidates", code))
    assert sorted(candidate["table"] for candidate in candidates) == ["public.recall_notice", "public.recall_step"]
    _command(root, people.role_for(Permission.QUALITY_RULE_CHANGE), "metadata", "register", code, "recall_notice",
             "--as", "recall")

    entry_file = tmp_path / "entry.yaml"
    entry_file.write_text(_command(root, developer, "catalog", "show", "--declared", "resource.recall"),
                          encoding="utf-8")
    entry = yaml.safe_load(entry_file.read_text(encoding="utf-8"))
    assert entry["target"] == "resource.recall"
    catalog_code = entry["code"]
    assert _command(root, developer, "catalog", "register", str(entry_file)).startswith(
        f"{catalog_code}: version 1 registered as a draft")
    _command(root, developer, "catalog", "submit", catalog_code)
    assert "catalog.review" in _command(root, developer, "catalog", "approve", catalog_code, "--comment", "同意",
                                        refused=True)
    assert _command(root, steward, "catalog", "approve", catalog_code, "--comment", "同意").strip() == (
        f"{catalog_code}: version 1 approved and published")

    builder = people.role_for(Permission.BACKFILL_RUN)
    built = _command(root, builder, "build", "--source", "recall", "--from", "2026-03-01")
    assert built.splitlines()[-1] == "built; see `hubei-data quality issues` for flagged rows"
    before = _rows(RESOURCE_ROWS)
    assert before == [("ZH2026001", "914201001777425124", "2026-02-27", "1200.50", 3),
                      ("ZH2026002", None, "2026-02-28", None, None)]
    # A warehouse never built before gets the new source's own tables, not those combining every source.
    assert _rows("select to_regclass('quarantine.recall') is not null, to_regclass('quarantine.issues') is null"
                 ) == [(True, True)]
    again = _command(root, builder, "build", "--source", "recall", "--from", "2026-03-01")
    assert again.splitlines()[-1] == "recall: nothing new landed: nothing to build"

    page = Path(_command(root, developer, "catalog", "docs").splitlines()[-1]).read_text(encoding="utf-8")
    assert f"数据资源目录 {catalog_code}，已发布版本 1" in page
    listed = tmp_path / "catalog.xlsx"
    _command(root, developer, "catalog", "export", "--all", "--output", str(listed))
    sheet = openpyxl.load_workbook(listed, read_only=True)["数据资源目录清单"]
    heading, *rows = sheet.iter_rows(values_only=True)
    mine = {row[heading.index("字段名")]: row[heading.index("数据标准")] for row in rows
            if row[heading.index("信息资源代码")] == catalog_code}
    assert list(mine) == ["recall_no", "approval_no", "uscc", "started_on", "amount", "batches", "updated_at", "note"]
    assert (mine["uscc"], mine["updated_at"]) == (USCC, TIMESTAMP)
    assert mine["approval_no"].startswith("药品批准文号")

    with psycopg.connect(system.url, autocommit=True) as conn:
        conn.execute("alter table recall_notice add column recalled_by varchar(20),"
                     " alter column batches type varchar(10)")
    _command(root, operator, "metadata", "harvest", code)
    [finding] = map(json.loads, _command(root, developer, "drift", "list", "--format", "json").splitlines())
    assert (finding["source"], finding["system"], finding["breaking"]) == ("recall", code, "no")
    assert "recalled_by added (VARCHAR(20))" in finding["diff"]
    assert "batches retyped: integer → VARCHAR(10)" in finding["diff"]
    assert not _check_passed("recall"), "the raw table's schema_drift check fails in the UI"
    [(recipient, subject)] = _rows("select recipient, subject from ops.notifications")
    assert recipient == OWNER_EMAIL and subject.startswith("[预警] 数据源 recall（药品召回）的业务系统表与登记结构不符")
    assert _rows(RESOURCE_ROWS) == before


def _check_passed(source: str) -> bool:
    """The latest evaluation of the source's schema_drift check, as the Dagster UI shows it."""
    from hubei_data import runner
    from hubei_data.metadata.drift_checks import check_key

    latest = runner.instance().event_log_storage.get_latest_asset_check_execution_by_key([check_key(source)])
    return latest[check_key(source)].evaluation.passed
