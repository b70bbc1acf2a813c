"""`hubei-data standards list|show|export` as a person who may read the catalog: the registry's data standards
read in the terminal, and written as an XLSX workbook that opens with every element and code list value."""

import json
import shutil

import pytest
from openpyxl import load_workbook

from hubei_data import project, registry
from tests.people import invoke

DECLARED = registry.load()


@pytest.fixture(autouse=True)
def _warehouse(warehouse):
    """The commands go through the login gate, which asks the warehouse who is acting."""


def test_list_gives_every_element_with_its_standard():
    listed = invoke(["standards", "list", "--format", "json"])
    assert listed.exit_code == 0, listed.output
    rows = [json.loads(line) for line in listed.output.splitlines()]
    assert [row["element"] for row in rows] == list(DECLARED.elements)
    assert {"element": "uscc", "chinese": "统一社会信用代码", "english": "Unified social credit code", "type": "text",
            "length": 18, "code_list": None, "standard": "GB 32100-2015"} in rows


def test_show_gives_an_element_in_full_and_the_columns_that_use_it():
    shown = invoke(["standards", "show", "resident_id"])
    assert shown.exit_code == 0, shown.output
    assert "中文名称 chinese: 公民身份号码" in shown.output
    assert "标准 standard: GB 11643-1999 公民身份号码" in shown.output
    assert "数据项 used by: vaccination.child_id_no, birth_certificate.mother_id_no" in shown.output


def test_show_of_an_element_with_a_code_list_gives_its_values_and_version():
    shown = invoke(["standards", "show", "sex"])
    assert "值域 values: 男、女（代码集 sex，版本 2003）" in shown.output


def test_show_of_a_name_neither_element_nor_code_list_says_so_in_one_line():
    shown = invoke(["standards", "show", "resident"])
    assert shown.exit_code == 1
    assert shown.output == ("Error: unknown element or code list 'resident'; `hubei-data standards list` lists the"
                            " elements, `hubei-data standards export` the code lists\n")


def test_export_writes_a_workbook_of_the_elements_and_the_code_list_values(tmp_path):
    path = tmp_path / "数据标准.xlsx"
    exported = invoke(["standards", "export", "--output", str(path)])
    assert exported.exit_code == 0, exported.output
    book = load_workbook(path)
    assert book.sheetnames == ["数据元", "代码集", "代码集版本"]
    elements = list(book["数据元"].iter_rows(values_only=True))
    assert elements[0][:6] == ("标识符", "中文名称", "英文名称", "定义", "数据类型", "长度")
    assert [row[0] for row in elements[1:]] == list(DECLARED.elements)
    by_name = {row[0]: dict(zip(elements[0], row)) for row in elements[1:]}
    assert (by_name["resident_id"]["长度"], by_name["resident_id"]["标准"]) == (18, "GB 11643-1999 公民身份号码")
    assert by_name["license_no"]["格式"].splitlines() == [
        "license_type为药品生产许可证时：^鄂[0-9]{8}$（鄂 + 8 digits, e.g. 鄂20160012）",
        "license_type为化妆品生产许可证时：^鄂妆[0-9]{8}$（鄂妆 + 8 digits, e.g. 鄂妆20170003）",
    ]
    values = list(book["代码集"].iter_rows(values_only=True))
    assert values[0] == ("代码集", "代码集名称", "标准", "版本", "生效日期", "现行", "代码", "名称", "对接值")
    assert [row[:4] + row[5:] for row in values[1:] if row[0] == "sex"] == [
        ("sex", "人的性别代码", "GB/T 2261.1-2003 个人基本信息分类与代码 第1部分：人的性别代码", "2003", "是", *value)
        for value in (("0", "未知的性别", None), ("1", "男性", "男"), ("2", "女性", "女"), ("9", "未说明的性别", None))]
    assert len(values) - 1 == sum(len(version.values) for listed in DECLARED.code_lists.values()
                                  for version in listed.versions)


def test_export_of_a_registry_with_an_error_writes_nothing_and_says_which(tmp_path, monkeypatch):
    broken = tmp_path / "registry"
    shutil.copytree(registry.project_registry(), broken)
    elements = broken / "standards" / "elements.yaml"
    elements.write_text(elements.read_text(encoding="utf-8").replace("  standard: gb_32100\n", "  standard: gb_32101\n"),
                        encoding="utf-8")
    monkeypatch.setenv(project.VARIABLE, str(broken.parent))
    path = tmp_path / "out" / "数据标准.xlsx"
    exported = invoke(["standards", "export", "--output", str(path)])
    assert exported.exit_code == 1
    assert exported.output.startswith("Error: registry/standards/elements.yaml: element uscc: standard:"
                                      " unknown standard 'gb_32101';")
    assert len(exported.output.splitlines()) == 1
    assert not (tmp_path / "out").exists()
