"""The annual O&M report over a real year of probe samples, alerts, runs, backups, drills and landed batches."""

import datetime as dt

import dagster as dg
import pytest

from hubei_data.control.audit_trail import Actor
from hubei_data.ingest.landing import ensure_landing
from hubei_data.reports.generate import annual_report
from hubei_data.reports.periods import today
from tests.reports.workbooks import sheet

BY = Actor("t_reporter", "tests")
# Everything but the runs happens in January of this year, so every assertion holds whatever month it is now;
# runs are made now, in this month.
YEAR = today().year
JANUARY = f"{YEAR}-01-15 10:00+08"


def _a_january(conn) -> None:
    conn.cursor().executemany("insert into ops.samples (at, probe, target, value, ok) values (%s, %s, %s, 1, %s)", [
        *[(f"{YEAR}-01-{day:02d} 10:00+08", "bureau_unreachable", "HUBEI_DATA_BUREAU_URL", day != 3)
          for day in range(1, 5)],
        (JANUARY, "target_unreachable", "yibao_penalty", True),
        (JANUARY, "host_cpu_percent", "host", True),
        (f"{YEAR - 1}-12-31 23:00+08", "bureau_unreachable", "HUBEI_DATA_BUREAU_URL", False),
    ])
    conn.cursor().executemany(
        "insert into ops.alerts (rule, target, severity, message, office, opened_at, last_seen, resolved_at)"
        " values (%s, %s, %s, 'm', '运维组', %s::timestamptz, %s::timestamptz, %s::timestamptz + %s::interval)", [
            ("bureau_unreachable", "b", "critical", JANUARY, JANUARY, JANUARY, "2 hours"),
            ("disk_full", "d", "warning", JANUARY, JANUARY, JANUARY, "4 hours"),
            ("api_errors", "api", "warning", JANUARY, JANUARY, None, None),
            ("share_expiring", "s", "reminder", JANUARY, JANUARY, JANUARY, "1 hour"),
        ])
    conn.cursor().executemany("insert into ops.backups (backup_id, requested_by, directory, started_at, status)"
                     " values (%s, 't', '/b', %s, %s)",
                     [("a", JANUARY, "succeeded"), ("b", JANUARY, "pruned"), ("c", JANUARY, "failed")])
    conn.cursor().executemany("insert into ops.drills (backup_id, kind, target, requested_by, started_at, status)"
                     " values ('a', %s, 'scratch', 't', %s, %s)",
                     [("drill", JANUARY, "matched"), ("drill", JANUARY, "disagreed"), ("restore", JANUARY, "matched")])
    ensure_landing(conn)
    for batch_id, at in ((1, JANUARY), (2, f"{YEAR - 1}-06-01 10:00+08")):
        conn.execute("insert into landing.batches (batch_id, source, channel, origin, status, received_at)"
                     " overriding system value values (%s, 'enterprise', 'file', 'e.csv', 'loaded', %s)",
                     (batch_id, at))
    conn.execute("create schema if not exists raw")
    conn.execute("create table raw.enterprise (uscc text, _batch_id bigint)")
    conn.execute("insert into raw.enterprise values ('a', 1), ('b', 1), ('c', 1), ('d', 2), ('e', 2)")


@pytest.fixture
def instance():
    """A Dagster instance of the test's own with one successful and one failed run, made now."""
    @dg.asset
    def fine() -> None:
        pass

    @dg.asset
    def broken() -> None:
        raise RuntimeError("broken on purpose")

    with dg.instance_for_test() as made:
        dg.materialize([fine], instance=made)
        dg.materialize([broken], instance=made, raise_on_error=False)
        yield made


def test_the_year_by_month_in_the_workbook_and_the_page(reporting, instance):
    with reporting.connect() as conn:
        _a_january(conn)
        page, workbook = annual_report(conn, instance, YEAR, reporting.folder, BY)
    assert page.name == f"年度运维报告-{YEAR}.html"
    months = [f"{m}月" for m in range(1, today().month + 1)]

    availability = sheet(workbook, "端点可用率")
    assert availability[0] == ("端点", *months, "全年")
    rows = {row[0]: row for row in availability[1:3]}
    assert rows["国家局接口"][1] == 75 and rows["国家局接口"][-1] == 75
    assert rows["前置库（yibao_penalty）"][1] == 100

    incidents = sheet(workbook, "告警与处置")
    assert incidents[0] == ("月份", "告警", "严重", "警告", "已解决", "未解决", "平均解决时长（小时）", "最长解决时长（小时）")
    assert incidents[1] == ("1月", 3, 1, 2, 2, 1, 3, 4)

    runs = {row[0]: row[1:] for row in sheet(workbook, "作业运行")[1:len(months) + 1]}
    assert runs[months[-1]][:5] == (2, 1, 1, 0, 0) and runs[months[-1]][5] == 50

    backups = sheet(workbook, "备份与恢复演练")
    assert backups[1] == ("1月", 3, 2, 1, 2, 1, 1, 1)

    volumes = {row[0]: row[1:3] for row in sheet(workbook, "数据量")[1:6]}
    assert volumes["原始库"] == (1, 5) and volumes["共享库"] == (0, 0)

    growth = sheet(workbook, "数据增长")
    assert growth[1] == ("1月", 3, 5, 150)
    assert sheet(workbook, "各数据来源月度新增")[1][:2] == ("企业基本信息（enterprise）", 3)

    overview = dict(sheet(workbook, "概览")[1:])
    assert (overview["告警（严重与警告）"], overview["平均解决时长（小时）"]) == (3, 3)
    assert (overview["备份成功 / 失败"], overview["恢复演练通过 / 未通过"]) == ("2 / 1", "1 / 1")
    assert overview["本年新增原始记录"] == 3

    text = page.read_text(encoding="utf-8")
    assert "<h1>年度运维报告</h1>" in text and f"{YEAR}年（按月统计，北京时间）" in text
    assert "<td>国家局接口</td>" in text and text.count('src="data:image/png;base64,') == 6
    assert reporting.exports()[0][:2] == (f"report 年度运维报告-{YEAR}", "success")


def test_a_year_with_nothing_recorded_says_so(reporting):
    with reporting.connect() as conn, dg.instance_for_test() as empty:
        page, workbook = annual_report(conn, empty, YEAR - 1, reporting.folder, BY,
                                       now=dt.datetime(YEAR, 1, 10, tzinfo=dt.UTC))
    text = page.read_text(encoding="utf-8")
    assert f"{YEAR - 1}年没有监控采样、告警、作业运行、备份、演练或新接收的数据。" in text
    assert "本年没有告警。" in text and "data:image/png" not in text
    assert sheet(workbook, "作业运行")[1][0] == "本年没有作业运行记录。"
