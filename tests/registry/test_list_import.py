"""`hubei-data lists import KIND FILE.xlsx` as a data steward would run it: a small set of lists in the agencies'
layout becomes the registry's next version of each; a bad workbook is refused whole, naming its row and column,
and the list's file is left as it was."""

import psycopg
import pytest
import yaml
from openpyxl import Workbook

from hubei_data import project
from hubei_data.governance import lists
from hubei_data.governance.list_workbook import COLUMNS
from tests.people import invoke

ROWS = {
    "responsibilities": [
        ["ZR-WJW-101", "新生儿预防接种记录", "省卫生健康委员会疾病预防控制处", "420000-WJW-GX-0001",
         "record_id、child_id_no、vaccinated_on", "每日"],
        ["ZR-WJW-002", "新生儿预防接种记录查询（出生一件事）", "省卫生健康委员会疾病预防控制处",
         "420000-WJW-GX-0002；420000-WJW-JK-0001", "record_id", "每日"],
    ],
    "demands": [
        ["XQ-GA-101", "湖北省公安厅", "新生儿接种记录", "420000-WJW-GX-0001", "数据订阅", "gongan_newborn", None],
        ["XQ-YB-101", "湖北省医疗保障局", "按身份证号查询接种记录", None, "数据接口", "vaccination", None],
        ["XQ-MZ-101", "湖北省民政厅", "母亲身份证号", None, None, None, "列入负面清单，不予共享"],
    ],
    "negative": [
        ["FM-WJW-101", "新生儿母亲身份证号", "birth_certificate.mother_id_no", None, "个人信息保护法第二十八条",
         "省卫生健康委员会妇幼健康处"],
    ],
}


@pytest.fixture(autouse=True)
def registry_copy(copy, monkeypatch, warehouse):
    """The commands write into a copy of the registry; they go through the login gate, which asks the warehouse."""
    monkeypatch.setenv(project.VARIABLE, str(copy.parent))
    return copy


def _last_audited(warehouse, kind: str) -> tuple:
    with psycopg.connect(warehouse.url) as conn:
        return conn.execute("select outcome, detail from control.audit_trail where target = %s order by seq desc"
                            " limit 1", (f"lists {kind}",)).fetchone()


def _workbook(path, kind: str, rows, headings=None):
    book = Workbook()
    book.active.append(headings or [heading for heading, _, _ in COLUMNS[kind]])
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def test_a_small_set_of_lists_is_imported_as_the_next_version_of_each(tmp_path, registry_copy, warehouse):
    for kind, rows in ROWS.items():
        workbook = _workbook(tmp_path / f"{kind}.xlsx", kind, rows)
        imported = invoke(["lists", "import", kind, str(workbook)])
        assert imported.exit_code == 0, imported.output
        assert imported.output.endswith(f"version 2, {len(rows)} entries from {kind}.xlsx\n")
    declared = lists.load(registry_copy)
    assert list(declared.lists["responsibilities"].entries) == ["ZR-WJW-101", "ZR-WJW-002"]
    duty = declared.lists["responsibilities"].entries["ZR-WJW-101"]
    assert duty.items == ("record_id", "child_id_no", "vaccinated_on")
    assert declared.lists["responsibilities"].entries["ZR-WJW-002"].catalog == (
        "420000-WJW-GX-0002", "420000-WJW-JK-0001")
    demands = declared.lists["demands"]
    assert (demands.version, demands.imported_from) == (2, "demands.xlsx")
    assert [(met.kind, met.name) for met in demands.entries["XQ-YB-101"].met_by] == [("api", "vaccination")]
    assert demands.entries["XQ-MZ-101"].answer == "列入负面清单，不予共享"
    outcome, detail = _last_audited(warehouse, "demands")
    assert outcome == "success"
    assert detail == {"change": "lists import", "workbook": "demands.xlsx", "version": 2, "entries": 3}
    written = yaml.safe_load((registry_copy / "lists" / "negative.yaml").read_text(encoding="utf-8"))
    assert written["version"] == 2 and list(written["entries"]) == ["FM-WJW-101"]
    shown = invoke(["lists", "show", "demands", "--format", "csv"])
    assert shown.exit_code == 0, shown.output
    assert "XQ-GA-101,湖北省公安厅,新生儿接种记录,420000-WJW-GX-0001,subscription gongan_newborn," in shown.output


@pytest.mark.parametrize(("kind", "row", "where", "reason"), [
    ("responsibilities", ["ZR-1", "数据", "处室", "420000-WJW-GX-0099", "record_id", "每日"], "row {row}: column 目录编码",
     "responsibility ZR-1: unknown catalog code 420000-WJW-GX-0099"),
    ("demands", ["XQ-1", "省公安厅", "数据", None, "共享数据集", "newborn_vaccinations", None], "row {row}: column 满足对象",
     "demand XQ-1: 'newborn_vaccinations' is not a share dataset"),
    ("demands", ["XQ-1", "省公安厅", "数据", None, "共享接口", "vaccination", None], "row {row}: column 满足方式",
     "'共享接口' is not one of 共享数据集, 数据接口, 数据订阅"),
    ("demands", ["XQ-1", "省公安厅", "数据", None, None, None, None], "row {row}",
     "demand XQ-1: neither met"),
    ("responsibilities", ["ZR-WJW-101", "重复", "处室", "420000-WJW-GX-0001", None, "每日"], "row {row}: column 清单编码",
     "ZR-WJW-101 is already on row 2"),
    ("negative", ["FM-1", "抽检不合格项目", "sampling_result.failed_items", None, "依据", "处室"], "",
     "registry/apis/sampling.yaml: API sampling: fields: failed_items is negative-list item FM-1 抽检不合格项目"),
])
def test_a_bad_workbook_is_refused_whole_naming_its_row_and_column(tmp_path, registry_copy, warehouse, kind, row, where,
                                                                  reason):
    before = (registry_copy / "lists" / f"{kind}.yaml").read_bytes()
    workbook = _workbook(tmp_path / "bad.xlsx", kind, [*ROWS[kind], row])
    imported = invoke(["lists", "import", kind, str(workbook)])
    assert imported.exit_code == 1
    assert len(imported.output.splitlines()) == 1
    where = where.format(row=len(ROWS[kind]) + 2)
    assert imported.output.startswith(f"Error: {workbook}: {where}".rstrip(": ")), imported.output
    assert reason in imported.output
    assert (registry_copy / "lists" / f"{kind}.yaml").read_bytes() == before
    outcome, detail = _last_audited(warehouse, kind)
    assert outcome == "failure" and reason in detail["error"]


def test_a_workbook_with_a_missing_or_unknown_column_is_refused_naming_them(tmp_path):
    headings = [heading for heading, _, _ in COLUMNS["negative"] if heading != "法律依据"] + ["备注"]
    workbook = _workbook(tmp_path / "bad.xlsx", "negative", [], headings)
    imported = invoke(["lists", "import", "negative", str(workbook)])
    assert imported.output == (f"Error: {workbook}: row 1: missing column 法律依据; unknown column 备注 (a 负面清单 has"
                               " the columns 清单编码, 数据项名称, 数据项, 数据元, 法律依据, 责任处室)\n")


def test_a_file_that_is_no_workbook_is_refused_in_one_line(tmp_path):
    fake = tmp_path / "lists.xlsx"
    fake.write_text("清单编码,数据名称\n", encoding="utf-8")
    imported = invoke(["lists", "import", "demands", str(fake)])
    assert imported.exit_code == 1
    assert imported.output.startswith(f"Error: {fake}: not a readable XLSX workbook")
