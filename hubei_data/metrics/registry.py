"""The indicator system as metric assets compute it: the registry's metrics, checked against the tables they read."""

from dataclasses import dataclass
from pathlib import Path

from hubei_data import registry as declarations
from hubei_data.catalog.models import table_name
from hubei_data.catalog.subject import SUBJECT_MODELS
from hubei_data.contracts import SOURCES
from hubei_data.metrics.sql_expression import SqlExpressionError, check_aggregate
from hubei_data.registry.expression import Expression
from hubei_data.registry.metrics import Dimension, dims_of, parts, period_of
from hubei_data.registry.periods import Period
from hubei_data.row_filter import Condition, parse_condition


@dataclass(frozen=True)
class Metric:
    code: str
    kind: str
    name: str
    definition: str
    owner: str
    unit: str
    model: str = ""
    aggregation: str = ""
    column: str = ""
    time: str = ""
    atomic: str = ""
    period: Period | None = None
    filters: tuple[Condition, ...] = ()
    by: tuple[str, ...] = ()
    expression: Expression | None = None
    sql: str = ""

    @property
    def parts(self) -> tuple[str, ...]:
        """The metrics this one is computed from: its asset's upstream metrics."""
        return parts(self)

    @property
    def daily(self) -> bool:
        return self.period is not None and self.period.kind == "day"

    @property
    def additive(self) -> bool:
        """Values over finer dimensions add up to coarser ones: counts and sums, not ratios or distinct counts."""
        return self.kind in ("atomic", "derived")


def models() -> dict[str, tuple[str, ...]]:
    """The models metrics may be computed over, with their columns: resource and subject tables."""
    found = {f"resource.{s.name}": tuple(c.name for c in s.columns) for s in SOURCES.values()}
    found.update({f"subject.{table_name(m)}": tuple(i.name for i in m.items) for m in SUBJECT_MODELS})
    return found


@dataclass(frozen=True)
class Registry:
    metrics: dict[str, Metric]
    dimensions: dict[str, Dimension]

    def period_of(self, code: str) -> Period:
        """The period a metric's values cover; an atomic one is counted per month (per day if a daily metric uses it)."""
        return period_of(self.metrics, code)

    def dims_of(self, code: str) -> tuple[str, ...]:
        return dims_of(self.metrics, code)

    def model_of(self, code: str) -> str:
        metric = self.metrics[code]
        return self.metrics[metric.atomic].model if metric.kind == "derived" else metric.model


def load_registry(root: Path | None = None) -> Registry:
    """The registry's metrics (registry/metrics/), each checked against the columns of the table it reads.

    Those tables are the resource tables of the sources and the subject models declared in the catalog, outside
    the registry, so this check is here rather than in the registry's loader; it needs no database."""
    declared = declarations.load(root)
    metrics = {code: _metric(declared, code, metric) for code, metric in declared.metrics.items()}
    return Registry(metrics, declared.dimensions)


def _metric(declared: declarations.Registry, code: str, metric) -> Metric:
    def fail(field: str | None, reason: str):
        raise declared.error("metrics", code, field, reason)

    common = {field: getattr(metric, field) for field in ("code", "kind", "name", "definition", "owner", "unit")}
    if metric.kind == "composite":
        return Metric(**common, expression=metric.expression)
    model = declared.metrics[metric.atomic].model if metric.kind == "derived" else metric.model
    columns = models().get(model)
    if columns is None:
        fail("model", f"{model!r} is not a resource or subject table ({', '.join(sorted(models()))})")
    absent = [name for name in getattr(metric, "by", ()) if declared.dimensions[name].column not in columns]
    if absent:
        fail("by", f"{model} has no column for dimensions: {', '.join(absent)}")
    if metric.kind == "derived":
        items = {column: _Column(column) for column in columns}
        filters = tuple(parse_condition(each, items, lambda reason: fail("filters", reason)) for each in metric.filters)
        return Metric(**common, atomic=metric.atomic, period=metric.period, filters=filters, by=metric.by)
    if metric.time is not None and metric.time not in columns:
        fail("time", f"time column {metric.time!r} is not in {model}")
    if metric.kind == "atomic":
        if metric.aggregation == "sum" and metric.column not in columns:
            fail("column", f"sum needs a column of {model}, not {metric.column!r}")
        return Metric(**common, model=model, aggregation=metric.aggregation, column=metric.column, time=metric.time)
    try:
        sql = check_aggregate(metric.expression, set(columns))
    except SqlExpressionError as error:
        fail("expression", str(error))
    return Metric(**common, model=model, time=metric.time or "", period=metric.period, by=metric.by, sql=sql)


@dataclass(frozen=True)
class _Column:
    """Filters (修饰词) over model columns: values typed as text, which PostgreSQL casts to the column's type."""

    name: str
    data_type: str = "text"
