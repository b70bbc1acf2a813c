"""The indicator system (指标体系) as declared: dimensions and atomic, derived, composite and custom metrics."""

from typing import Annotated, Literal

from pydantic import AfterValidator, Discriminator, PlainValidator, Tag, model_validator

from hubei_data.registry.expression import Expression, parse_expression
from hubei_data.registry.periods import PERIODS, Period, parse_period
from hubei_data.registry.standards import Declaration, Name, Text

METRIC_KINDS = ("atomic", "derived", "composite", "custom")


def _code(value: str) -> str:
    if len(value) > 63:
        raise ValueError("a code is at most 63 characters: it names a table")
    return value


def _period(value) -> Period:
    try:
        return parse_period(value)
    except ValueError as error:
        raise ValueError(f"{error} ({', '.join(PERIODS)} or rolling_<N>d)") from None


def _expression(value) -> Expression:
    return parse_expression(value if isinstance(value, str) else "")


Code = Annotated[Name, AfterValidator(_code)]
PeriodText = Annotated[Period, PlainValidator(_period)]
MetricExpression = Annotated[Expression, PlainValidator(_expression)]


class Dimension(Declaration):
    """A statistical granularity (统计粒度): a name users know and the model column that carries it."""

    chinese: Text
    column: Name


class _Metric(Declaration):
    """What every metric states, so that a figure is never shown without its meaning (口径) and who answers for it."""

    code: Code
    name: Text
    definition: Text
    owner: Text
    unit: Text


class Atomic(_Metric):
    """An atomic metric (原子指标): a count or sum of events over a resource or subject table, by its time column."""

    kind: Literal["atomic"]
    model: Text
    aggregation: Literal["count", "sum"]
    column: str = ""
    time: Name | None = None

    @model_validator(mode="after")
    def _counts_events(self):
        if self.time is None:
            raise ValueError("an atomic metric counts events: name its time column")
        return self


class Derived(_Metric):
    """A derived metric (派生指标): an atomic one over a period, with filters (修饰词) and dimensions."""

    kind: Literal["derived"]
    atomic: Code
    period: PeriodText
    filters: tuple[dict, ...] = ()
    by: tuple[Name, ...] = ()


class Composite(_Metric):
    """A composite metric (复合指标): arithmetic, ratio, difference or growth over other metrics."""

    kind: Literal["composite"]
    expression: MetricExpression


class Custom(_Metric):
    """A custom metric: one aggregate SQL expression over a resource or subject table, over a period."""

    kind: Literal["custom"]
    model: Text
    expression: Text
    time: Name | None = None
    period: PeriodText
    by: tuple[Name, ...] = ()


def _kind(value) -> str | None:
    return value.get("kind") if isinstance(value, dict) else getattr(value, "kind", None)


Metric = Annotated[
    Annotated[Atomic, Tag("atomic")] | Annotated[Derived, Tag("derived")] | Annotated[Composite, Tag("composite")]
    | Annotated[Custom, Tag("custom")],
    Discriminator(_kind),
]


def parts(metric) -> tuple[str, ...]:
    """The metrics one is computed from: its asset's upstream metrics."""
    if metric.kind == "derived":
        return (metric.atomic,)
    if metric.kind == "composite":
        return metric.expression.metrics
    return ()


def period_of(metrics: dict, code: str) -> Period:
    """The period a metric's values cover; an atomic one is counted per month (per day if a daily metric uses it)."""
    metric = metrics[code]
    if getattr(metric, "period", None):
        return metric.period
    if metric.kind == "atomic":
        daily = any(other.kind == "derived" and other.atomic == code and other.period.kind == "day"
                    for other in metrics.values())
        return parse_period("day" if daily else "month")
    return period_of(metrics, parts(metric)[0])


def dims_of(metrics: dict, code: str) -> tuple[str, ...]:
    """The dimensions a metric's values are broken down by; a composite one takes its parts'."""
    metric = metrics[code]
    if metric.kind == "composite":
        return dims_of(metrics, parts(metric)[0])
    return getattr(metric, "by", ())
