"""The catalog's lifecycle from the command line, as the people whose roles allow each step: a change shown as
its diff, published to the XLSX list only once a steward approved it, and refusals in one line changing nothing."""

import json

import psycopg
import pytest
import yaml
from click.testing import CliRunner
from openpyxl import load_workbook

from hubei_data.cli import main
from hubei_data.control.permissions import Role
from tests import people
from tests.people import invoke

PENALTY = "420000-SYJ-GX-0007"


@pytest.fixture
def catalog_db(share_db, use_warehouse):
    use_warehouse(share_db)
    return share_db


def _as(info, role: Role, args):
    return CliRunner(env={people.TOKEN_VARIABLE: people.token(info, role)}).invoke(main, args)


def _versions(info) -> list[tuple]:
    with psycopg.connect(info.url) as conn:
        return conn.execute("select code, version, status from control.catalog_versions order by 1, 2").fetchall()


def _penalty_items(path) -> list[tuple]:
    sheet = load_workbook(path)["数据资源目录清单"]
    headings = [cell.value for cell in sheet[1]]
    rows = [dict(zip(headings, row)) for row in sheet.iter_rows(min_row=2, values_only=True)]
    return [(r["字段名"], r["信息项名称"]) for r in rows if r["信息资源代码"] == PENALTY]


def _draft_with_region(info, tmp_path):
    with psycopg.connect(info.url, autocommit=True) as conn:
        conn.execute("alter table share.penalty_info add column region text")
    shown = invoke(["catalog", "show", PENALTY])
    assert shown.exit_code == 0, shown.output
    entry = yaml.safe_load(shown.output)
    entry["items"].append({**entry["items"][0], "field": "region", "name": "所属地区"})
    path = tmp_path / "penalty.yaml"
    path.write_text(yaml.safe_dump(entry, allow_unicode=True), encoding="utf-8")
    return path


def test_a_change_reaches_the_xlsx_list_only_after_a_steward_approves_it(catalog_db, tmp_path):
    changed = invoke(["catalog", "change", str(_draft_with_region(catalog_db, tmp_path))])
    assert changed.exit_code == 0, changed.output
    assert changed.output == f"{PENALTY}: version 2 is a draft\n  data item added: region\n"
    assert invoke(["catalog", "submit", PENALTY]).exit_code == 0
    shown = invoke(["catalog", "show", PENALTY]).output
    assert shown.startswith("# version 2 (submitted) against the published one:\n#   data item added: region\n")

    before = invoke(["catalog", "export", "--output", str(tmp_path / "before.xlsx")])
    assert before.exit_code == 0, before.output
    assert "region" not in dict(_penalty_items(tmp_path / "before.xlsx"))
    approved = invoke(["catalog", "approve", PENALTY, "--comment", "同意新增所属地区"])
    assert approved.output == f"{PENALTY}: version 2 approved and published\n"
    assert invoke(["catalog", "export", "--output", str(tmp_path / "after.xlsx")]).exit_code == 0
    assert _penalty_items(tmp_path / "after.xlsx") == [*_penalty_items(tmp_path / "before.xlsx"), ("region", "所属地区")]

    history = [json.loads(line)
               for line in invoke(["catalog", "history", PENALTY, "--format", "json"]).output.splitlines()]
    assert [(h["version"], h["step"], h["comment"]) for h in history][2:] == [
        (2, "changed", None), (2, "submitted", None), (2, "approved", "同意新增所属地区")]
    assert history[-1]["actor"] == people.person(catalog_db, Role.DATA_STEWARD)


def test_the_whole_catalog_is_exported_with_all(catalog_db, tmp_path):
    done = invoke(["catalog", "export", "--all", "--format", "csv", "--output", str(tmp_path / "all.csv")])
    assert done.exit_code == 0, done.output
    listed = (tmp_path / "all.csv").read_text(encoding="utf-8-sig")
    assert "resource.enterprise" in listed and "subject.enterprise_profile" in listed
    assert "数据接口 vaccination" in listed


def test_a_person_without_the_steward_role_may_not_approve_and_nothing_changes(catalog_db, tmp_path):
    invoke(["catalog", "change", str(_draft_with_region(catalog_db, tmp_path))])
    invoke(["catalog", "submit", PENALTY])
    before = _versions(catalog_db)
    refused = _as(catalog_db, Role.DATA_DEVELOPER, ["catalog", "approve", PENALTY, "--comment", "同意"])
    assert refused.exit_code == 3
    assert refused.output.strip() == (
        f"Error: {people.person(catalog_db, Role.DATA_DEVELOPER)} (data_developer) may not approve or reject"
        " catalog entries submitted for review, publishing them [catalog.review]")
    assert _versions(catalog_db) == before


def test_registering_an_item_with_no_column_is_one_line_and_stores_nothing(catalog_db, tmp_path):
    with psycopg.connect(catalog_db.url, autocommit=True) as conn:
        conn.execute("create table share.penalty_by_region (region text, cases bigint)")
    item = {"field": "region", "name": "所属地区", "data_type": "text", "share_type": "无条件共享", "masking": "不脱敏"}
    entry = {"code": "420000-SYJ-GX-0100", "name": "各地区行政处罚案件数", "summary": "按地区汇总的处罚案件数。",
             "provider": "湖北省药品监督管理局", "category": "市场监管 / 药品监管 / 行政处罚", "share_type": "无条件共享",
             "share_conditions": "省内政务部门按需获取", "consumers": "省直各部门", "share_method": "库表交换（前置库）",
             "update_frequency": "每月", "kind": "table", "target": "share.penalty_by_region",
             "items": [item, {**item, "field": "case_count", "name": "案件数", "data_type": "bigint"}]}
    path = tmp_path / "new.yaml"
    path.write_text(yaml.safe_dump(entry, allow_unicode=True), encoding="utf-8")
    before = _versions(catalog_db)
    refused = invoke(["catalog", "register", str(path)])
    assert (refused.exit_code, refused.output) == (1, (
        "Error: 420000-SYJ-GX-0100: data item case_count names no column of share.penalty_by_region"
        " (its columns: region, cases)\n"))
    assert _versions(catalog_db) == before

    entry["items"][1]["field"] = "cases"
    path.write_text(yaml.safe_dump(entry, allow_unicode=True), encoding="utf-8")
    assert invoke(["catalog", "register", str(path)]).exit_code == 0
    listed = [json.loads(line) for line in invoke(["catalog", "list", "--format", "json"]).output.splitlines()]
    assert {"code": "420000-SYJ-GX-0100", "name": "各地区行政处罚案件数", "target": "table share.penalty_by_region",
            "published": None, "open": "1 (draft)"} in listed


def test_a_resource_table_not_built_yet_is_found_by_its_table_and_linked_to_its_contract(catalog_db, tmp_path):
    shown = invoke(["catalog", "show", "--declared", "resource.license"])
    assert shown.exit_code == 0, shown.output
    entry = yaml.safe_load(shown.output)
    assert (entry["code"], entry["target"]) == ("420000-SYJ-ZY-0002", "resource.license")
    path = tmp_path / "license.yaml"
    entry["items"].append({**entry["items"][0], "field": "region"})
    path.write_text(yaml.safe_dump(entry, allow_unicode=True), encoding="utf-8")
    refused = invoke(["catalog", "change", str(path)])
    assert refused.output.startswith("Error: 420000-SYJ-ZY-0002: data item region names no column of"
                                      " resource.license (its columns: license_no, ")
    entry["items"].pop()
    entry["summary"] = "许可证的资源库：每张许可证的最新版本。"
    path.write_text(yaml.safe_dump(entry, allow_unicode=True), encoding="utf-8")
    changed = invoke(["catalog", "change", str(path)])
    assert (changed.exit_code, changed.output.splitlines()[0]) == (0, "420000-SYJ-ZY-0002: version 2 is a draft")
    unknown = invoke(["catalog", "show", "--declared", "resource.nothing"])
    assert unknown.exit_code == 1 and unknown.output.startswith("Error: the code declares no entry resource.nothing")


def test_a_typo_in_an_entry_file_is_named(catalog_db, tmp_path):
    path = tmp_path / "typo.yaml"
    shown = yaml.safe_load(invoke(["catalog", "show", PENALTY]).output)
    path.write_text(yaml.safe_dump({**shown, "provder": "x"}, allow_unicode=True), encoding="utf-8")
    refused = invoke(["catalog", "change", str(path)])
    assert refused.output == f"Error: {path}: provder: Extra inputs are not permitted\n"


def test_check_fails_naming_each_item_without_a_column_and_column_without_an_item(catalog_db):
    with psycopg.connect(catalog_db.url, autocommit=True) as conn:
        conn.execute("alter table share.penalty_info add column region text")
    checked = invoke(["catalog", "check"])
    assert checked.exit_code == 1
    assert f"  {PENALTY}: share.penalty_info.region has no published data item\n" in checked.output
    assert "  420000-SYJ-ZY-0001: there is no table resource.enterprise in the warehouse\n" in checked.output
    assert "420000-SYJ-GX-0001" not in checked.output and "-JK-" not in checked.output
