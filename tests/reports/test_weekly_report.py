"""The weekly sharing report over a real week of pushes, bureau batches, API calls and flagged rows."""

import datetime as dt
import zipfile

import pytest

from hubei_data.control.audit_trail import Actor
from hubei_data.reports import ReportError
from hubei_data.reports.generate import weekly_report
from hubei_data.reports.periods import Week
from tests.reports.sharing_week import WEEK, a_week_of_sharing
from tests.reports.workbooks import sheet

BY = Actor("t_reporter", "tests")


def test_the_week_per_department_and_dataset_in_the_workbook_and_the_page(reporting):
    with reporting.connect() as conn:
        a_week_of_sharing(conn)
        data, (page, workbook) = weekly_report(conn, WEEK, reporting.folder, BY)
    assert page.name == "政务信息共享情况周报-2026-W48.html" and workbook.suffix == ".xlsx"

    pushes = sheet(workbook, "共享推送")
    assert pushes[0] == ("部门", "数据集", "推送次数", "成功", "失败", "失败后已恢复", "推送行数")
    assert pushes[1:4] == [
        ("湖北省公安厅", "新生儿预防接种记录（出生一件事）（newborn_vaccination）", 0, 0, 0, 0, 0),
        ("湖北省医疗保障局", "药品医疗器械化妆品行政处罚信息（penalty_info）", 4, 2, 2, 1, 150),
        ("国家药品监督管理局（国家局）", "药品抽检结果", 3, 2, 2, 1, 50),
    ]

    calls = sheet(workbook, "数据服务调用")
    assert calls[0] == ("调用部门", "接口", "调用次数", "错误次数", "错误率（%）", "返回行数")
    assert sorted(calls[1:4]) == [("湖北省公安厅", "vaccination", 6, 1, 16.67, 15),
                                  ("湖北省卫生健康委员会", "enterprise", 1, 0, 0, 2),
                                  ("（未识别的调用方）", "enterprise", 1, 1, 100, 0)]

    quality = sheet(workbook, "数据质量问题")
    assert quality[0][3:] == ("新开整改工单", "解决整改工单", "周末未关闭工单")
    assert quality[1:4] == [("企业基本信息（enterprise）", 3, 4, 2, 1, 2), ("国家局退回：行政处罚信息", 1, 1, 0, 0, 0),
                            ("许可证（license）", 0, 0, 0, 0, 1)]

    lists = {(row[0], row[1]): row[3:] for row in sheet(workbook, "三清单与事项")[1:] if row[3]}
    assert lists[("责任清单", "ZR-WJW-001")] == ("不满足", "420000-WJW-GX-0001: share.newborn_vaccination holds no data")
    assert lists[("需求清单", "XQ-GA-001")] == ("满足", "met by subscription gongan_newborn")
    assert lists[("负面清单", None)] == ("满足", "没有共享数据、数据接口或订阅触及负面清单")
    assert lists[("事项目录", "11420000MB1960929G4420117002000")] == (
        "不支撑", "newborn_vaccination: holds no data; newborn_vaccination_lookup: holds no data")

    overview = dict(sheet(workbook, "概览")[1:])
    assert overview["期间"] == "2026年第48周（2026-11-23 至 2026-11-29）"
    assert (overview["推送行数"], overview["推送失败"], overview["失败后已恢复"]) == (200, 4, 2)
    assert (overview["接口调用"], overview["接口调用错误"], overview["新增质量问题记录"]) == (8, 2, 4)
    assert (overview["新开整改工单"], overview["解决整改工单"], overview["周末未关闭工单"]) == (2, 1, 3)
    assert data.totals()["rows_pushed"] == 200
    with zipfile.ZipFile(workbook) as book:
        assert len([name for name in book.namelist() if name.startswith("xl/media/")]) == 3

    text = page.read_text(encoding="utf-8")
    assert "<h1>政务信息共享情况周报</h1>" in text and "2026年第48周" in text
    assert "<td>湖北省医疗保障局</td>" in text and '<td class="number">150</td>' in text
    assert text.count('src="data:image/png;base64,') == 3 and "http" not in text.split("<body>")[1]
    assert "已关闭" not in text

    assert reporting.exports() == [("report 政务信息共享情况周报-2026-W48", "success", {
        "title": "政务信息共享情况周报", "period": "2026年第48周（2026-11-23 至 2026-11-29）", "rows": 16,
        "files": f"{page}; {workbook}"})]


def test_a_quiet_week_says_so_instead_of_failing(reporting):
    with reporting.connect() as conn:
        _, (page, workbook) = weekly_report(conn, Week.parse("2026-W30"), reporting.folder, BY)
    text = page.read_text(encoding="utf-8")
    assert "2026年第30周（2026-07-20 至 2026-07-26）没有共享推送、接口调用或新增质量问题。" in text
    assert "本周没有接口调用。" in text and "本周没有新增质量问题，也没有整改工单。" in text
    assert "data:image/png" not in text
    assert sheet(workbook, "数据服务调用")[1] == ("本周没有接口调用。", None, None, None, None, None)
    assert [row[2:] for row in sheet(workbook, "共享推送")[1:3]] == [(0, 0, 0, 0, 0)] * 2


def test_weeks_are_written_as_iso_weeks(reporting):
    for text, message in (("2026-48", "write it as 2026-W48"), ("2026-W54", "2026 has no week 54")):
        with pytest.raises(ReportError, match=message):
            Week.parse(text)
    assert Week.parse("2026-W53").monday == dt.date(2026, 12, 28)
    assert Week.last_complete(dt.datetime(2026, 11, 30, 16, 30, tzinfo=dt.UTC)).label == "2026-W48"  # Tue 00:30 Beijing
    assert Week.last_complete(dt.datetime(2026, 11, 29, 16, 30, tzinfo=dt.UTC)).label == "2026-W48"  # Mon 00:30 Beijing
    assert Week.last_complete(dt.datetime(2026, 11, 29, 15, 30, tzinfo=dt.UTC)).label == "2026-W47"  # Sun 23:30 Beijing


def test_a_full_disk_leaves_no_file_and_says_so_in_one_line(reporting, tiny_filesystem):
    folder = tiny_filesystem(64)
    with reporting.connect() as conn:
        a_week_of_sharing(conn)
        with pytest.raises(ReportError) as refused:
            weekly_report(conn, WEEK, folder, BY)
    assert str(refused.value).startswith(f"cannot write {folder}/政务信息共享情况周报-2026-W48.")
    assert str(refused.value).endswith(": No space left on device") and "\n" not in str(refused.value)
    assert list(folder.iterdir()) == []
    [(target, outcome, detail)] = reporting.exports()
    assert (target, outcome, detail["error"]) == ("report 政务信息共享情况周报-2026-W48", "failure", str(refused.value))
