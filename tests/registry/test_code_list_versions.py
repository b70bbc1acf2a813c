"""Versioned code lists (代码集): every version kept with the day it took effect, the newest current; a version
declared twice or a code removed while an element still needs it refused naming the list and version; the history
in `standards show` and in the XLSX workbook."""

import datetime as dt

import pytest
from openpyxl import load_workbook

from hubei_data import project, registry
from tests.people import invoke
from tests.registry.breaking import edit, refusal as _refusal

CODE_LISTS = "standards/code_lists.yaml"
STATUS_V1 = """    - version: "1"
      effective: 2026-01-01
      values:
        - {code: 存续}
        - {code: 注销}
        - {code: 吊销}
"""
STATUS_V2 = """    - version: "2"
      effective: 2026-07-01
      values:
        - {code: 存续}
        - {code: 注销}
        - {code: 吊销}
        - {code: 停业, name: 停业整顿}
"""
SEX_V2 = """    - version: "2003"
      effective: 2026-01-01
      values:
        - {code: "0", name: 未知的性别}
        - {code: "1", name: 男性, label: 男}
        - {code: "2", name: 女性, label: 女}
        - {code: "9", name: 未说明的性别}
    - version: "2003-补充"
      effective: 2026-09-01
      values:
        - {code: "0", name: 未知的性别}
        - {code: "1", name: 男性, label: 男}
        - {code: "9", name: 未说明的性别}
"""


def _edit(root, old: str, new: str) -> None:
    edit(root, CODE_LISTS, old, new)


def _sex_v1(root) -> str:
    text = (root / CODE_LISTS).read_text(encoding="utf-8")
    start = text.index('    - version: "2003"')
    return text[start:text.index("enterprise_type:")]


def test_the_newest_version_is_current_and_every_version_is_kept(copy):
    _edit(copy, STATUS_V1, STATUS_V1 + STATUS_V2)
    status = registry.load(copy).code_lists["enterprise_status"]
    assert [v.version for v in status.versions] == ["1", "2"]
    assert status.version == "2" and status.versions[1].effective == dt.date(2026, 7, 1)
    assert [value.code for value in status.values] == ["存续", "注销", "吊销", "停业"]
    assert registry.load(copy).allowed_values("enterprise_status")[-1] == "停业"


def test_a_version_declared_twice_is_refused_naming_the_list_and_version(copy):
    _edit(copy, STATUS_V1, STATUS_V1 + STATUS_V2.replace('"2"', '"1"'))
    error = _refusal(copy)
    assert str(error) == "registry/standards/code_lists.yaml: code list enterprise_status: versions:" \
                         " version '1' is declared twice"


def test_versions_out_of_order_are_refused(copy):
    _edit(copy, STATUS_V1, STATUS_V1 + STATUS_V2.replace("2026-07-01", "2025-12-01"))
    assert str(_refusal(copy)) == (
        "registry/standards/code_lists.yaml: code list enterprise_status: versions: version '2' takes effect on"
        " 2025-12-01, not after version '1' (2026-01-01): list the versions oldest first")


def test_a_code_removed_while_an_element_still_allows_it_is_refused_naming_the_version(copy):
    _edit(copy, _sex_v1(copy), SEX_V2)
    error = _refusal(copy)
    assert str(error) == ("registry/standards/code_lists.yaml: code list sex: versions[1]: version 2003-补充"
                          " removes code '2', which element sex (values) still needs")
    assert (error.file, error.entry) == ("registry/standards/code_lists.yaml", "code list sex")


def test_a_code_removed_while_a_format_depends_on_it_is_refused(copy):
    old = '        - {code: 化妆品生产许可证}\n'
    text = (copy / CODE_LISTS).read_text(encoding="utf-8")
    start = text.index("license_type:")
    block = text[start:text.index("license_status:")]
    versions = block[block.index("    - version"):]
    _edit(copy, versions, versions + versions.replace('"1"', '"2"').replace("2026-01-01", "2026-03-01")
          .replace(old, ""))
    assert str(_refusal(copy)) == (
        "registry/standards/code_lists.yaml: code list license_type: versions[1]: version 2 removes code"
        " '化妆品生产许可证', which element license_no (formats when license_type is 化妆品生产许可证) still needs")


@pytest.fixture
def with_history(copy, monkeypatch, warehouse):
    """The commands read a registry where 经营状态 has a second version; they ask the warehouse who is acting."""
    _edit(copy, STATUS_V1, STATUS_V1 + STATUS_V2)
    monkeypatch.setenv(project.VARIABLE, str(copy.parent))
    return copy


def test_show_of_a_code_list_gives_each_version_with_what_it_added_and_removed(with_history):
    shown = invoke(["standards", "show", "enterprise_status"])
    assert shown.exit_code == 0, shown.output
    lines = shown.output.splitlines()
    history = lines[lines.index("代码集 code list: enterprise_status 经营状态（docs/sources.md 本平台对接规则及对接数据项），"
                                "现行版本 2"):]
    assert history[1:] == [
        "  版本 1（2026-01-01 起，3 个代码）", "    新增 added: 存续、注销、吊销", "    删除 removed: —",
        "  版本 2（2026-07-01 起，现行，4 个代码）", "    新增 added: 停业 停业整顿", "    删除 removed: —"]
    assert lines[:2] == ["标识符 element: enterprise_status", "中文名称 chinese: 经营状态"]


def test_the_workbook_holds_every_version_its_values_and_its_changes(with_history, tmp_path):
    path = tmp_path / "数据标准.xlsx"
    exported = invoke(["standards", "export", "--output", str(path)])
    assert exported.exit_code == 0, exported.output
    book = load_workbook(path)
    assert book.sheetnames == ["数据元", "代码集", "代码集版本"]
    values = list(book["代码集"].iter_rows(values_only=True))
    assert values[0] == ("代码集", "代码集名称", "标准", "版本", "生效日期", "现行", "代码", "名称", "对接值")
    status = [(row[3], row[4].date(), row[5], row[6]) for row in values[1:] if row[0] == "enterprise_status"]
    assert status == [("1", dt.date(2026, 1, 1), "否", code) for code in ("存续", "注销", "吊销")] + [
        ("2", dt.date(2026, 7, 1), "是", code) for code in ("存续", "注销", "吊销", "停业")]
    versions = list(book["代码集版本"].iter_rows(values_only=True))
    assert versions[0] == ("代码集", "代码集名称", "版本", "生效日期", "现行", "代码数", "新增", "删除")
    assert [row[2:3] + row[4:] for row in versions[1:] if row[0] == "enterprise_status"] == [
        ("1", "否", 3, "存续、注销、吊销", None), ("2", "是", 4, "停业 停业整顿", None)]
    assert book["代码集版本"].freeze_panes == "A2"


def test_a_code_removed_while_a_source_rule_still_accepts_it_is_refused(copy):
    dropped = STATUS_V2.replace("        - {code: 吊销}\n", "")
    _edit(copy, STATUS_V1, STATUS_V1 + dropped)
    assert str(_refusal(copy)) == (
        "registry/standards/code_lists.yaml: code list enterprise_status: versions[1]: version 2 removes code '吊销',"
        " which source enterprise column status (one_of) still needs")
