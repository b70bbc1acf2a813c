"""`hubei-data report adhoc`: a query file and a title give a workbook and a page with a chart; a query the
console would refuse is refused here too, and nothing is written."""

import datetime as dt

import psycopg
import pytest

from tests.people import invoke
from tests.reports.workbooks import sheet


@pytest.fixture(scope="module")
def library(warehouse):
    """A table in the resource library, which the query role may read."""
    with psycopg.connect(warehouse.url, autocommit=True) as conn:
        conn.execute("create table if not exists resource.report_probe (category text, amount numeric, at timestamptz)")
        conn.execute("truncate resource.report_probe")
        conn.execute("insert into resource.report_probe values ('药品', 10.5, '2026-11-23 10:00+08'),"
                     " ('药品', 4.5, null), ('化妆品', 3, null), ('医疗器械', null, null)")
    return warehouse


def _report(tmp_path, sql_text: str, title: str = "各类别数量"):
    query = tmp_path / "query.sql"
    query.write_text(sql_text, encoding="utf-8")
    return invoke(["report", "adhoc", "--sql", str(query), "--title", title, "--output", str(tmp_path / "out")])


def _audited(warehouse, action: str) -> tuple:
    with psycopg.connect(warehouse.url) as conn:
        return conn.execute("select actor, target, outcome, detail from control.audit_trail where action = %s"
                            " order by seq desc limit 1", (action,)).fetchone()


def test_a_query_becomes_a_table_and_a_bar_chart_of_its_numbers(library, tmp_path):
    ran = _report(tmp_path, "select category as 类别, count(*) as 批次, sum(amount) as 金额\n"
                            "from resource.report_probe group by category order by category")
    assert ran.exit_code == 0, ran.output
    page, workbook = (tmp_path / "out" / line.rsplit("/", 1)[1] for line in ran.output.splitlines())
    assert page.name.startswith("各类别数量-") and page.suffix == ".html" and workbook.suffix == ".xlsx"

    rows = sheet(workbook, "查询结果")
    assert rows[0] == ("类别", "批次", "金额")
    assert sorted(rows[1:4]) == [("化妆品", 1, 3), ("医疗器械", 1, None), ("药品", 2, 15)]
    overview = dict(sheet(workbook, "概览")[1:])
    assert overview["报告"] == "各类别数量" and overview["行数"] == 3
    assert overview["查询语句"].startswith("select category as 类别")

    text = page.read_text(encoding="utf-8")
    assert "<h1>各类别数量</h1>" in text and "<th>金额</th>" in text and "from resource.report_probe" in text
    assert text.count('src="data:image/png;base64,') == 1

    actor, target, outcome, detail = _audited(library, "sql_query")
    assert (actor, outcome) == ("t_data_developer", "success") and "report_probe" in detail["sql"]
    actor, target, outcome, detail = _audited(library, "data_export")
    assert (target, outcome, detail["rows"]) == (f"report {page.stem}", "success", 3)


def test_without_a_numeric_column_there_is_a_table_and_a_note_instead_of_a_chart(library, tmp_path):
    ran = _report(tmp_path, "select category, at, jsonb_build_object('金额', amount) as detail, amount > 4 as big"
                            " from resource.report_probe where at is not null", "带时间的记录")
    assert ran.exit_code == 0, ran.output
    page, workbook = (tmp_path / "out" / line.rsplit("/", 1)[1] for line in ran.output.splitlines())
    assert sheet(workbook, "查询结果")[1] == ("药品", dt.datetime(2026, 11, 23, 10, 0), '{"金额": 10.5}', True)
    text = page.read_text(encoding="utf-8")
    assert "data:image/png" not in text and "结果中除第一列外没有数值列，不作图，只列出表格。" in text
    assert "<td>2026-11-23 10:00:00</td>" in text


def test_a_query_with_no_rows_says_so(library, tmp_path):
    ran = _report(tmp_path, "select category, amount from resource.report_probe where false", "空结果")
    assert ran.exit_code == 0, ran.output
    page = tmp_path / "out" / ran.output.splitlines()[0].rsplit("/", 1)[1]
    assert "查询没有返回任何行。" in page.read_text(encoding="utf-8")


@pytest.mark.parametrize(("sql_text", "said"), [
    ("insert into resource.report_probe values ('x', 1, null)",
     "Error: query failed: cannot execute INSERT in a read-only transaction"),
    ("select 1; delete from resource.report_probe",
     "Error: only one statement is allowed; the text holds more than one"),
    ("selec category from resource.report_probe", 'Error: query failed: syntax error at or near "selec"'),
    ("select * from api.consumers", "Error: query failed: permission denied for schema api"),
])
def test_a_query_the_console_refuses_is_refused_and_nothing_is_written(library, tmp_path, sql_text, said):
    ran = _report(tmp_path, sql_text)
    assert ran.exit_code == 1
    [line] = ran.output.splitlines()
    assert line.startswith(said)
    assert not (tmp_path / "out").exists()
    with psycopg.connect(library.url) as conn:
        assert conn.execute("select count(*) from resource.report_probe").fetchone()[0] == 4


def test_a_title_is_needed(library, tmp_path):
    ran = _report(tmp_path, "select 1 as n", "   ")
    assert (ran.exit_code, ran.output) == (1, "Error: the report needs a title (--title)\n")
