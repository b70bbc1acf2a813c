"""The indicator system (指标体系): atomic, derived, composite and custom metrics, declared in YAML, checked on load."""

import os
import re
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from hubei_data.catalog.models import table_name
from hubei_data.catalog.subject import SUBJECT_MODELS
from hubei_data.contracts import SOURCES
from hubei_data.metrics.expression import Expression, ExpressionError, parse_expression
from hubei_data.metrics.periods import PERIODS, Period, parse_period
from hubei_data.metrics.sql_expression import SqlExpressionError, check_aggregate
from hubei_data.row_filter import Condition, parse_condition

METRICS_VARIABLE = "HUBEI_DATA_METRICS"
KINDS = ("atomic", "derived", "composite", "custom")
AGGREGATIONS = ("count", "sum")
_CODE = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
_COMMON = {"code", "kind", "name", "definition", "owner", "unit"}
_KEYS = {
    "atomic": _COMMON | {"model", "aggregation", "column", "time"},
    "derived": _COMMON | {"atomic", "period", "filters", "by"},
    "composite": _COMMON | {"expression"},
    "custom": _COMMON | {"model", "expression", "time", "period", "by"},
}


class MetricError(Exception):
    """A metric definition that breaks a rule: the file, the metric and what is wrong."""


@dataclass(frozen=True)
class Dimension:
    """A statistical granularity (统计粒度): a name users know and the column that carries it."""

    name: str
    chinese: str
    column: str


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
        if self.kind == "derived":
            return (self.atomic,)
        if self.kind == "composite":
            return self.expression.metrics
        return ()

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


def metrics_dir() -> Path:
    return Path(os.environ.get(METRICS_VARIABLE, Path(__file__).resolve().parents[2] / "metrics"))


@dataclass(frozen=True)
class Registry:
    metrics: dict[str, Metric]
    dimensions: dict[str, Dimension]

    def period_of(self, code: str) -> Period:
        """The period a metric's values cover; an atomic one is counted per month (per day if a daily metric uses it)."""
        metric = self.metrics[code]
        if metric.period:
            return metric.period
        if metric.kind == "atomic":
            daily = any(m.daily for m in self.metrics.values() if m.kind == "derived" and m.atomic == code)
            return parse_period("day" if daily else "month")
        return self.period_of(metric.parts[0])

    def dims_of(self, code: str) -> tuple[str, ...]:
        metric = self.metrics[code]
        if metric.kind == "composite":
            return self.dims_of(metric.parts[0])
        return metric.by

    def model_of(self, code: str) -> str:
        metric = self.metrics[code]
        return self.metrics[metric.atomic].model if metric.kind == "derived" else metric.model


def load_registry(directory: Path | None = None) -> Registry:
    """Every metric file in the directory, with `dimensions.yaml`; the first broken rule stops the load."""
    directory = directory or metrics_dir()
    dimensions = _dimensions(directory / "dimensions.yaml")
    raw: dict[str, tuple[dict, Path]] = {}
    for path in sorted(directory.glob("*.yaml")):
        if path.name == "dimensions.yaml":
            continue
        try:
            document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as error:
            raise MetricError(f"{path}: not valid YAML: {error}") from None
        if not isinstance(document, dict) or not isinstance(document.get("metrics"), list):
            raise MetricError(f"{path}: a metrics file is a mapping with a list under `metrics`")
        for spec in document["metrics"]:
            code = spec.get("code") if isinstance(spec, dict) else None
            if code in raw:
                raise MetricError(f"{path}: metric {code!r} is already defined in {raw[code][1].name}")
            raw[code] = (spec, path)
    metrics = {code: _metric(spec, path, dimensions) for code, (spec, path) in raw.items()}
    registry = Registry(metrics, dimensions)
    for code, (_, path) in raw.items():
        _check_references(registry, registry.metrics[code], path)
    _check_cycles(registry, raw)
    for code, (_, path) in raw.items():
        _check_compatible(registry, registry.metrics[code], path)
    return registry


def _dimensions(path: Path) -> dict[str, Dimension]:
    if not path.exists():
        raise MetricError(f"{path}: the dimensions file is missing")
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    found = {}
    for name, spec in (document.get("dimensions") or {}).items():
        if not _CODE.match(str(name)) or not isinstance(spec, dict) or set(spec) != {"chinese", "column"}:
            raise MetricError(f"{path}: dimension {name!r} needs a lowercase name, chinese and column")
        found[name] = Dimension(name, str(spec["chinese"]), str(spec["column"]))
    return found


def _metric(spec, path: Path, dimensions: dict[str, Dimension]) -> Metric:
    def fail(message: str):
        code = spec.get("code") if isinstance(spec, dict) else None
        raise MetricError(f"{path}: metric {code!r}: {message}")

    if not isinstance(spec, dict):
        fail("a metric is a mapping")
    kind = spec.get("kind")
    if kind not in KINDS:
        fail(f"kind {kind!r} is not one of {', '.join(KINDS)}")
    unknown = sorted(set(spec) - _KEYS[kind])
    if unknown:
        fail(f"unknown keys for a {kind} metric: {', '.join(unknown)}")
    missing = sorted(k for k in _COMMON if not str(spec.get(k, "")).strip())
    if missing:
        fail(f"{', '.join(missing)} required (every metric has a code, Chinese name, definition (口径), owner and unit)")
    if not _CODE.match(spec["code"]):
        fail("the code is lowercase letters, digits and _")
    common = {k: str(spec[k]) for k in _COMMON}
    if kind == "composite":
        try:
            return Metric(**common, expression=parse_expression(str(spec.get("expression", ""))))
        except ExpressionError as error:
            fail(f"expression: {error}")
    if kind == "derived":
        return Metric(**common, atomic=str(spec.get("atomic", "")), period=_period(spec, fail),
                      filters=tuple(spec.get("filters") or ()), by=_by(spec, dimensions, fail))
    columns = models().get(spec.get("model"))
    if columns is None:
        fail(f"model {spec.get('model')!r} is not a resource or subject table ({', '.join(sorted(models()))})")
    time = spec.get("time")
    if time is not None and time not in columns:
        fail(f"time column {time!r} is not in {spec['model']}")
    if kind == "atomic":
        if spec.get("aggregation") not in AGGREGATIONS:
            fail(f"aggregation {spec.get('aggregation')!r} is not one of {', '.join(AGGREGATIONS)}")
        if time is None:
            fail("an atomic metric counts events: name its time column")
        column = spec.get("column", "")
        if spec["aggregation"] == "sum" and column not in columns:
            fail(f"sum needs a column of {spec['model']}, not {column!r}")
        return Metric(**common, model=spec["model"], aggregation=spec["aggregation"], column=column, time=time)
    try:
        expression = check_aggregate(str(spec.get("expression", "")), set(columns))
    except SqlExpressionError as error:
        fail(f"expression: {error}")
    by = _by(spec, dimensions, fail)
    _columns_exist(by, dimensions, spec["model"], columns, fail)
    return Metric(**common, model=spec["model"], time=time or "", period=_period(spec, fail), by=by, sql=expression)


def _period(spec: dict, fail) -> Period:
    try:
        return parse_period(spec.get("period"))
    except ValueError as error:
        fail(f"period: {error} ({', '.join(PERIODS)} or rolling_<N>d)")


def _by(spec: dict, dimensions: dict[str, Dimension], fail) -> tuple[str, ...]:
    by = spec.get("by") or []
    if not isinstance(by, list):
        fail("by is a list of dimensions")
    unknown = [d for d in by if d not in dimensions]
    if unknown:
        fail(f"unknown dimensions: {', '.join(map(str, unknown))} (known: {', '.join(dimensions)})")
    return tuple(by)


def _columns_exist(by, dimensions, model: str, columns, fail) -> None:
    absent = [d for d in by if dimensions[d].column not in columns]
    if absent:
        fail(f"{model} has no column for dimensions: {', '.join(absent)}")


def _check_references(registry: Registry, metric: Metric, path: Path) -> None:
    def fail(message: str):
        raise MetricError(f"{path}: metric {metric.code!r}: {message}")

    for part in metric.parts:
        if part not in registry.metrics:
            fail(f"unknown metric {part!r}")
    if metric.kind == "derived":
        atomic = registry.metrics[metric.atomic]
        if atomic.kind != "atomic":
            fail(f"{metric.atomic!r} is {atomic.kind}, not atomic")
        columns = models()[atomic.model]
        _columns_exist(metric.by, registry.dimensions, atomic.model, columns, fail)
        items = {c: _Column(c) for c in columns}
        conditions = tuple(parse_condition(f, items, fail) for f in metric.filters)
        registry.metrics[metric.code] = replace(metric, filters=conditions)


@dataclass(frozen=True)
class _Column:
    """Filters (修饰词) over model columns: values typed as text, which PostgreSQL casts to the column's type."""

    name: str
    data_type: str = "text"


def _check_cycles(registry: Registry, raw: dict) -> None:
    state: dict[str, str] = {}

    def visit(code: str, trail: list[str]) -> None:
        if state.get(code) == "done":
            return
        if state.get(code) == "visiting":
            cycle = trail[trail.index(code):] + [code]
            raise MetricError(f"{raw[code][1]}: metrics depend on each other in a cycle: {' → '.join(cycle)}")
        state[code] = "visiting"
        for part in registry.metrics[code].parts:
            visit(part, [*trail, code])
        state[code] = "done"

    for code in registry.metrics:
        visit(code, [])


def _check_compatible(registry: Registry, metric: Metric, path: Path) -> None:
    """A composite's parts cover the same period and granularity, so their values line up."""
    if metric.kind != "composite":
        return
    periods = {p: registry.period_of(p) for p in metric.parts}
    dims = {p: set(registry.dims_of(p)) for p in metric.parts}
    if len({str(v) for v in periods.values()}) > 1:
        shown = ", ".join(f"{p}: {v}" for p, v in periods.items())
        raise MetricError(f"{path}: metric {metric.code!r}: parts cover incompatible periods ({shown})")
    if len({frozenset(v) for v in dims.values()}) > 1:
        shown = ", ".join(f"{p}: {sorted(v) or 'total'}" for p, v in dims.items())
        raise MetricError(f"{path}: metric {metric.code!r}: parts have different granularity ({shown})")
    period = next(iter(periods.values()))
    for function, part in metric.expression.growth:
        if period.kind not in ("day", "month"):
            raise MetricError(f"{path}: metric {metric.code!r}: {function}({part}) needs a day or month period, "
                              f"not {period}")
