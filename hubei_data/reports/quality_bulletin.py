"""数据质量通报: the week's source systems ranked by open rectification tickets, defect rate and time to fix."""

import datetime as dt

from hubei_data.contracts import SOURCES
from hubei_data.contracts.sources import DECLARED
from hubei_data.beijing_time import LOCAL
from hubei_data.quality.tickets import STAGE_NAMES
from hubei_data.reports import charts
from hubei_data.reports.document import Report, Section, percent
from hubei_data.reports.periods import Week
from hubei_data.reports.quality_data import SystemWeek

TITLE = "数据质量通报"


def build(week: Week, systems: list[SystemWeek], generated_at: dt.datetime) -> Report:
    open_tickets = sum(len(s.open_tickets) for s in systems)
    received, flagged = sum(s.received for s in systems), sum(s.flagged for s in systems)
    fixed = sorted(days for s in systems for days in s.fix_days)
    figures = (
        ("周末未关闭工单", open_tickets),
        ("本周新开工单", sum(s.opened for s in systems)),
        ("本周解决工单", len(fixed)),
        ("本周收到记录（行）", received),
        ("其中问题记录（行）", flagged),
        ("问题率（%）", percent(flagged, received)),
    )
    quiet = not (open_tickets or received or fixed)
    return Report(
        name=f"{TITLE}-{week.label}",
        title=TITLE,
        period=week.chinese,
        generated_at=generated_at,
        figures=figures,
        sections=(_ranking(systems), _open(systems)),
        notice=f"{week.chinese}没有未关闭的整改工单、收到的记录或解决的工单。" if quiet else None,
    )


def _ranking(systems: list[SystemWeek]) -> Section:
    rows = [[place, _system(s.system), _vendor(s.system), len(s.open_tickets), s.opened, s.received, s.flagged,
             percent(s.flagged, s.received), len(s.fix_days), _days(s.median_fix_days)]
            for place, s in enumerate(systems, start=1)]
    ranked = [s for s in systems if s.open_tickets or s.fix_days]
    chart = charts.bars([_system(s.system) for s in ranked],
                        {"周末未关闭": [len(s.open_tickets) for s in ranked],
                         "本周解决": [len(s.fix_days) for s in ranked]},
                        "各业务系统整改工单", "件") if ranked else None
    return Section(
        title="业务系统排名",
        headings=("排名", "业务系统", "承建运维单位", "周末未关闭工单", "本周新开工单", "本周收到记录（行）",
                  "问题记录（行）", "问题率（%）", "本周解决工单", "解决用时中位数（天）"),
        rows=rows,
        chart=chart,
        notes=(
            "排名依次按周末（下周一 0 时，北京时间）未关闭的整改工单数、问题率、解决用时中位数从高到低。",
            "问题率：本周收到的批次中被规则标记的记录（一行违反多条规则计一行）占本周收到记录的百分比。",
            "解决用时：本周解决的工单自开单（或最近一次重开）至解决的天数；无人解决时记为“—”。",
            "工单含隔离区规则开出的工单，以及数据剖析发现空值率或不同值个数突变开出的工单（规则以 profile_ 开头）。",
        ),
        empty="没有业务系统。",
    )


def _open(systems: list[SystemWeek]) -> Section:
    rows = [[_system(s.system), t["ticket_id"], _source(t["source"]), t["rule"], _day(t["opened_at"]),
             _day(t["due_at"])] for s in systems for t in s.open_tickets]
    return Section(
        title="未关闭工单",
        headings=("业务系统", "工单号", "数据来源", "规则", "开单日期", "整改期限"),
        rows=rows,
        notes=(f"工单阶段：{'、'.join(STAGE_NAMES.values())}；hubei-data quality ticket <工单号> 查看每一步。",),
        empty="周末没有未关闭的整改工单。",
    )


def _system(code: str) -> str:
    return f"{DECLARED.systems[code].chinese}（{code}）" if code in DECLARED.systems else code


def _vendor(code: str) -> str | None:
    return DECLARED.systems[code].vendor if code in DECLARED.systems else None


def _source(name: str) -> str:
    return f"{SOURCES[name].chinese}（{name}）" if name in SOURCES else name


def _days(days: float | None) -> float | None:
    return round(days, 1) if days is not None else None


def _day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(LOCAL).date()
