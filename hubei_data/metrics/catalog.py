"""The indicator catalog (指标目录): one row per metric, for `metrics list` and the catalog export."""

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


def metric_rows(registry: Registry) -> list[dict]:
    return [
        {
            "code": m.code,
            "kind": m.kind,
            "name": m.name,
            "definition": m.definition,
            "period": str(registry.period_of(m.code)),
            "by": ", ".join(registry.dims_of(m.code)),
            "unit": m.unit,
            "owner": m.owner,
            "depends_on": ", ".join(m.parts or (registry.model_of(m.code),)),
        }
        for m in registry.metrics.values()
    ]
