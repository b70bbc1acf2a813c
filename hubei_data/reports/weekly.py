"""政务信息共享情况周报: the week's numbers as a report, with Chinese names for departments, datasets and sources."""

import datetime as dt
from collections import defaultdict

from hubei_data.contracts import SOURCES
from hubei_data.exchange.feeds import FEEDS
from hubei_data.exchange.subscription import DATASETS
from hubei_data.reports import charts
from hubei_data.governance.matters import FULLY, NOT, PARTLY
from hubei_data.registry.lists import LISTS
from hubei_data.reports.document import Report, Section, percent
from hubei_data.reports.governance_data import Governance
from hubei_data.reports.weekly_data import WeeklyData

TITLE = "政务信息共享情况周报"
BUREAU = "国家药品监督管理局（国家局）"
UNIDENTIFIED = "（未识别的调用方）"
ALL_SOUND = "所依赖的共享数据集均已发布、有数据且在更新周期内构建"
SUPPORT = {FULLY: "完全支撑", PARTLY: "部分支撑", NOT: "不支撑"}


def build(data: WeeklyData, lists: Governance, generated_at: dt.datetime) -> Report:
    totals = data.totals()
    figures = (
        ("推送行数", totals["rows_pushed"]),
        ("推送次数", totals["pushes"]),
        ("推送失败", totals["pushes_failed"]),
        ("失败后已恢复", totals["pushes_recovered"]),
        ("接口调用", totals["api_calls"]),
        ("接口调用错误", totals["api_errors"]),
        ("新增质量问题记录", totals["new_flagged_rows"]),
        ("新开整改工单", totals["tickets_opened"]),
        ("解决整改工单", totals["tickets_resolved"]),
        ("周末未关闭工单", totals["tickets_open"]),
    )
    notice = f"{data.week.chinese}没有共享推送、接口调用或新增质量问题。" if data.empty else None
    return Report(
        name=f"{TITLE}-{data.week.label}",
        title=TITLE,
        period=data.week.chinese,
        generated_at=generated_at,
        figures=figures,
        sections=(_pushes(data), _calls(data), _quality(data), _lists(lists)),
        notice=notice,
    )


def _pushes(data: WeeklyData) -> Section:
    rows = [[r["department"], _dataset(r["dataset"]), r["pushes"], r["succeeded"], r["failed"], r["recovered"],
             r["rows"]] for r in data.pushes]
    rows += [[BUREAU, FEEDS[r["feed"]].chinese if r["feed"] in FEEDS else r["feed"], r["pushes"], r["succeeded"],
              r["failed"], r["recovered"], r["rows"]] for r in data.bureau]
    by_department = defaultdict(int)
    for row in rows:
        by_department[row[0]] += row[6]
    chart = charts.bars(list(by_department), {"推送行数": list(by_department.values())},
                        "各部门推送行数", "行") if any(by_department.values()) else None
    return Section(
        title="共享推送",
        headings=("部门", "数据集", "推送次数", "成功", "失败", "失败后已恢复", "推送行数"),
        rows=rows,
        chart=chart,
        notes=(
            "推送按开始时间计入本周（北京时间周一 0 时至下周一 0 时）；推送行数为成功推送写入前置库的行数。",
            "失败后已恢复：本周失败的推送中，同一订阅在本周内其后又推送成功的次数。",
            (f"{BUREAU}按批次计：成功为国家局已确认的批次；失败为重试过、或出错后仍待确认的批次；"
             "失败后已恢复为重试后被确认的批次；推送行数为已确认批次的记录数。"),
        ),
        empty="本周没有订阅，也没有向国家局推送。",
    )


def _calls(data: WeeklyData) -> Section:
    rows = [[r["department"] or UNIDENTIFIED, r["api"], r["calls"], r["errors"], percent(r["errors"], r["calls"]),
             r["rows"]] for r in data.calls]
    calls, errors = defaultdict(int), defaultdict(int)
    for row in rows:
        calls[row[0]] += row[2]
        errors[row[0]] += row[3]
    chart = charts.bars(list(calls), {"调用次数": list(calls.values()), "错误次数": list(errors.values())},
                        "各部门接口调用", "次") if rows else None
    return Section(
        title="数据服务调用",
        headings=("调用部门", "接口", "调用次数", "错误次数", "错误率（%）", "返回行数"),
        rows=rows,
        chart=chart,
        notes=("错误为状态码 400 及以上的调用（签名、授权、参数、限流被拒和服务端错误）。",),
        empty="本周没有接口调用。",
    )


def _quality(data: WeeklyData) -> Section:
    rows = [[_source(r["source"]), r["flagged_rows"], r["issues"], r["tickets_opened"], r["tickets_resolved"],
             r["tickets_open"]] for r in data.flagged]
    chart = charts.bars([row[0] for row in rows], {"新增问题记录": [row[1] for row in rows]},
                        "各数据来源新增质量问题记录", "行") if any(row[1] for row in rows) else None
    return Section(
        title="数据质量问题",
        headings=("数据来源", "新增问题记录（行）", "问题数（行×规则）", "新开整改工单", "解决整改工单",
                  "周末未关闭工单"),
        rows=rows,
        chart=chart,
        notes=(
            ("新增：本周收到的批次中被规则标记的行（hubei-data quality issues 列出每一行与规则），"
             "以及本周被国家局退回的记录。"),
            ("整改工单为隔离区规则按数据来源与规则开出的工单（hubei-data quality tickets 列出）：新开含重开，解决含复检通过"
             "自动解决；周末未关闭按下周一 0 时（北京时间）前最后一步所处阶段计。"),
        ),
        empty="本周没有新增质量问题，也没有整改工单。",
    )


def _lists(lists: Governance) -> Section:
    rows = [[LISTS[s.kind].chinese, s.code, s.name, "满足" if s.holds else "不满足", s.detail]
            for s in lists.statuses]
    rows += [[LISTS["negative"].chinese, None, None, "不满足", breach] for breach in lists.breaches]
    if not lists.breaches:
        rows.append([LISTS["negative"].chinese, None, None, "满足", "没有共享数据、数据接口或订阅触及负面清单"])
    rows += [["事项目录", m.code, m.name, SUPPORT[m.support], "; ".join(m.problems) or ALL_SOUND]
             for m in lists.matters]
    return Section(
        title="三清单与事项",
        headings=("清单", "编号", "名称", "结果", "说明"),
        rows=rows,
        notes=(
            "按报告生成时的状态检查，与每次构建的检查及 hubei-data lists check、hubei-data matters report 相同。",
            "责任清单：所列目录已发布、有数据且在更新周期内构建；需求清单：已由共享数据集、数据接口或有效订阅满足，"
            "或已书面答复；负面清单：逐条列出触及的共享字段、接口或订阅。",
            "事项目录：所依赖的共享数据集（含经数据接口读取的）全部可用为完全支撑，全部不可用为不支撑，其余为部分支撑。",
        ),
    )


def _dataset(name: str) -> str:
    return f"{DATASETS[name].chinese}（{name}）" if name in DATASETS else name


def _source(name: str) -> str:
    if name.startswith("bureau:"):
        feed = name.removeprefix("bureau:")
        return f"国家局退回：{FEEDS[feed].chinese if feed in FEEDS else feed}"
    return f"{SOURCES[name].chinese}（{name}）" if name in SOURCES else name
