"""The indicator catalog (指标目录): one row per metric, for `metrics list` and, in Chinese, the catalog export."""

from hubei_data.registry.periods import Period
from hubei_data.metrics.registry import Registry

KINDS = {"atomic": "原子指标", "derived": "派生指标", "composite": "复合指标", "custom": "自定义指标"}
COLUMNS = (
    ("code", "指标编码"),
    ("kind", "指标类型"),
    ("name", "指标名称"),
    ("definition", "业务口径"),
    ("period", "时间周期"),
    ("by", "统计粒度"),
    ("unit", "计量单位"),
    ("owner", "责任处室"),
    ("depends_on", "来源"),
)
# A metric without dimensions is one value for the whole province.
TOTAL = "total"
TOTAL_CHINESE = "全省"
_PERIODS_CHINESE = {"day": "日", "month": "月", "quarter": "季初至今", "year": "年初至今"}


def period_chinese(period: Period) -> str:
    """日, 月, 季初至今, 年初至今 or 近N日: how a 指标目录 names the time a value covers."""
    return f"近{period.days}日" if period.kind == "rolling" else _PERIODS_CHINESE[period.kind]


def metric_rows(registry: Registry) -> list[dict]:
    """Rows with the registry's own codes (period, dimensions), for the command line."""
    return [
        {
            "code": m.code,
            "kind": m.kind,
            "name": m.name,
            "definition": m.definition,
            "period": str(registry.period_of(m.code)),
            "by": ", ".join(registry.dims_of(m.code)) or TOTAL,
            "unit": m.unit,
            "owner": m.owner,
            "depends_on": ", ".join(m.parts or (registry.model_of(m.code),)),
        }
        for m in registry.metrics.values()
    ]


def sheet_rows(registry: Registry) -> list[dict]:
    """The same rows in the words of the catalog sheet: kind, period and granularity (统计粒度) in Chinese."""
    def granularity(code: str) -> str:
        dims = registry.dims_of(code)
        return "按" + "、".join(registry.dimensions[d].chinese for d in dims) if dims else TOTAL_CHINESE

    return [
        {**row, "kind": KINDS[row["kind"]], "period": period_chinese(registry.period_of(row["code"])),
         "by": granularity(row["code"])}
        for row in metric_rows(registry)
    ]
