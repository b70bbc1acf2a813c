"""年度运维报告: the year's numbers as a report, month by month, with Chinese names for endpoints and libraries."""

import datetime as dt
from collections import defaultdict

from hubei_data.contracts import SOURCES
from hubei_data.reports import charts
from hubei_data.reports.annual_data import AnnualData
from hubei_data.reports.document import Report, Section, percent
from hubei_data.reports.periods import MONTHS, today

TITLE = "年度运维报告"
ENDPOINTS = {
    "target_unreachable": "前置库",
    "source_unreachable": "业务系统源库",
    "bureau_unreachable": "国家局接口",
    "api_unreachable": "数据服务接口",
}
LIBRARIES = {"raw": "原始库", "resource": "资源库", "subject": "主体库", "share": "共享库", "quarantine": "问题数据（隔离区）"}
MEGABYTE = 1024 * 1024


def build(data: AnnualData, generated_at: dt.datetime) -> Report:
    months = _months(data.year, generated_at)
    sections = (_availability(data, months), _incidents(data, months), _runs(data, months), _backups(data, months),
                _volumes(data), _growth(data, months), _growth_by_source(data, months))
    samples = sum(r["samples"] for r in data.availability)
    resolved = sum(r["resolved"] for r in data.incidents)
    runs = sum(sum(r[k] for k in ("succeeded", "failed", "canceled", "unfinished")) for r in data.runs)
    figures = (
        ("端点可用率（%）", percent(sum(r["ok"] for r in data.availability), samples)),
        ("告警（严重与警告）", sum(r["incidents"] for r in data.incidents)),
        ("平均解决时长（小时）", round(sum(float(r["mean_hours"] or 0) * r["resolved"] for r in data.incidents)
                                / resolved, 2) if resolved else None),
        ("作业运行", runs),
        ("运行成功率（%）", percent(sum(r["succeeded"] for r in data.runs), runs)),
        ("备份成功 / 失败", f"{sum(r['succeeded'] for r in data.backups)} / {sum(r['failed'] for r in data.backups)}"),
        ("恢复演练通过 / 未通过", f"{sum(r['matched'] for r in data.drills)} / {sum(r['not_matched'] for r in data.drills)}"),
        ("当前记录数（各库合计）", sum(r["rows"] for r in data.volumes)),
        ("本年新增原始记录", sum(r["rows"] for r in data.growth if r["month"])),
    )
    quiet = not (samples or data.incidents or data.runs or data.backups or data.drills
                 or any(r["month"] for r in data.growth))
    return Report(
        name=f"{TITLE}-{data.year}",
        title=TITLE,
        period=f"{data.year}年（按月统计，北京时间）",
        generated_at=generated_at,
        figures=figures,
        sections=sections,
        notice=f"{data.year}年没有监控采样、告警、作业运行、备份、演练或新接收的数据。" if quiet else None,
    )


def _months(year: int, now: dt.datetime) -> list[int]:
    """The months that have begun: all twelve of a past year, none of a future one."""
    current = today(now)
    if year < current.year:
        return list(MONTHS)
    return list(range(1, current.month + 1)) if year == current.year else []


def _label(month: int) -> str:
    return f"{month}月"


def _by_month(rows: list[dict]) -> dict[int, dict]:
    return {row["month"]: row for row in rows}


def _availability(data: AnnualData, months: list[int]) -> Section:
    endpoints = defaultdict(dict)
    for row in data.availability:
        endpoints[_endpoint(row["probe"], row["target"])][row["month"]] = (row["ok"], row["samples"])
    rows, series = [], {}
    for name, by_month in sorted(endpoints.items()):
        shares = [percent(*by_month[m]) if m in by_month else None for m in months]
        ok, samples = (sum(values) for values in zip(*by_month.values()))
        rows.append([name, *shares, percent(ok, samples)])
        series[name] = shares
    lowest = min((v for values in series.values() for v in values if v is not None), default=100)
    chart = charts.lines([_label(m) for m in months], series, "各端点月度可用率", "%",
                         floor=max(0, min(lowest, 99) - 1), ceiling=100.5) if series else None
    return Section(
        title="端点可用率",
        headings=("端点", *(_label(m) for m in months), "全年"),
        rows=rows,
        chart=chart,
        notes=("可用率：监控每次探测（约每分钟一次）能连通的次数占探测次数的百分比；没有探测的月份记为“—”。",),
        empty="本年没有端点探测记录（监控未运行，或未配置前置库、源库、国家局和数据服务的地址）。",
    )


def _incidents(data: AnnualData, months: list[int]) -> Section:
    found = _by_month(data.incidents)
    rows = []
    for month in months:
        row = found.get(month, {})
        incidents, resolved = row.get("incidents", 0), row.get("resolved", 0)
        rows.append([_label(month), incidents, row.get("critical", 0), row.get("warning", 0), resolved,
                     incidents - resolved, row.get("mean_hours"), row.get("max_hours")])
    chart = charts.bars([r[0] for r in rows], {"严重": [r[2] for r in rows], "警告": [r[3] for r in rows]},
                        "每月告警", "次", stacked=True) if data.incidents else None
    return Section(
        title="告警与处置",
        headings=("月份", "告警", "严重", "警告", "已解决", "未解决", "平均解决时长（小时）", "最长解决时长（小时）"),
        rows=rows if data.incidents else [],
        chart=chart,
        notes=("按告警开始的月份计；解决时长为从告警开始到条件消除。到期提醒等通知不计为告警。",),
        empty="本年没有告警。",
    )


def _runs(data: AnnualData, months: list[int]) -> Section:
    found = _by_month(data.runs)
    rows = []
    for month in months:
        row = found.get(month, {})
        counts = [row.get(k, 0) for k in ("succeeded", "failed", "canceled", "unfinished")]
        rows.append([_label(month), sum(counts), *counts, percent(counts[0], sum(counts))])
    chart = charts.bars([r[0] for r in rows], {"成功": [r[2] for r in rows], "失败": [r[3] for r in rows],
                                               "已取消": [r[4] for r in rows], "未完成": [r[5] for r in rows]},
                        "每月作业运行", "次", stacked=True) if data.runs else None
    return Section(
        title="作业运行",
        headings=("月份", "运行", "成功", "失败", "已取消", "未完成", "成功率（%）"),
        rows=rows if data.runs else [],
        chart=chart,
        notes=("Dagster 的每次运行（构建、推送、统计、备份等），按创建的月份计；未完成含排队和运行中的。",),
        empty="本年没有作业运行记录。",
    )


def _backups(data: AnnualData, months: list[int]) -> Section:
    backups, drills = _by_month(data.backups), _by_month(data.drills)
    rows = []
    for month in months:
        backup, drill = backups.get(month, {}), drills.get(month, {})
        rows.append([_label(month), backup.get("backups", 0), backup.get("succeeded", 0), backup.get("failed", 0),
                     drill.get("drills", 0), drill.get("matched", 0), drill.get("not_matched", 0),
                     drill.get("restores", 0)])
    any_rows = data.backups or data.drills
    chart = charts.bars([r[0] for r in rows], {"备份成功": [r[2] for r in rows], "备份失败": [r[3] for r in rows],
                                               "演练通过": [r[5] for r in rows], "演练未通过": [r[6] for r in rows]},
                        "每月备份与恢复演练", "次") if any_rows else None
    return Section(
        title="备份与恢复演练",
        headings=("月份", "备份", "备份成功", "备份失败", "恢复演练", "演练通过", "演练未通过", "恢复"),
        rows=rows if any_rows else [],
        chart=chart,
        notes=("备份成功含之后按保留策略删除的；演练通过指恢复后每张表的行数和校验和都与清单一致。",),
        empty="本年没有备份或恢复演练记录。",
    )


def _volumes(data: AnnualData) -> Section:
    rows = [[LIBRARIES[r["library"]], r["tables"], r["rows"], round(r["bytes"] / MEGABYTE, 2)] for r in data.volumes]
    chart = charts.bars([r[0] for r in rows], {"记录数": [r[2] for r in rows]}, "各库当前记录数", "行") \
        if any(r[2] for r in rows) else None
    return Section(
        title="数据量",
        headings=("数据库", "表", "记录数", "占用空间（MB）"),
        rows=rows,
        chart=chart,
        notes=("生成报告时各库的表数与实际记录数（逐表计数），占用空间含索引。",),
    )


def _growth(data: AnnualData, months: list[int]) -> Section:
    added = defaultdict(int)
    for row in data.growth:
        added[row["month"]] += row["rows"]
    total, rows = added[0], []
    for month in months:
        rows.append([_label(month), added[month], total + added[month], percent(added[month], total)])
        total += added[month]
    grew = any(added[m] for m in months)
    chart = charts.bars([r[0] for r in rows], {"新增记录": [r[1] for r in rows]}, "原始库每月新增记录", "行") \
        if grew else None
    return Section(
        title="数据增长",
        headings=("月份", "新增记录", "月末累计", "较上月末增长（%）"),
        rows=rows if grew else [],
        chart=chart,
        notes=("原始库保存收到的每一批数据，按批次接收时间计入月份；较上月末增长为当月新增占上月末累计的百分比。",),
        empty="本年原始库没有新增记录。",
    )


def _growth_by_source(data: AnnualData, months: list[int]) -> Section:
    by_source = defaultdict(dict)
    for row in data.growth:
        if row["month"]:
            by_source[row["source"]][row["month"]] = row["rows"]
    rows = [[f"{SOURCES[name].chinese}（{name}）" if name in SOURCES else name,
             *(by_month.get(m, 0) for m in months), sum(by_month.values())]
            for name, by_month in sorted(by_source.items())]
    return Section(
        title="各数据来源月度新增",
        headings=("数据来源", *(_label(m) for m in months), "全年"),
        rows=rows,
        empty="本年没有收到数据。",
    )


def _endpoint(probe: str, target: str) -> str:
    if probe == "target_unreachable":
        return f"{ENDPOINTS[probe]}（{target}）"
    return ENDPOINTS.get(probe, f"{probe}（{target}）")
