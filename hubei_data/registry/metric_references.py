"""What metrics say of each other and of dimensions: every part and dimension exists, derived metrics stand on atomic
ones, no metric is computed from itself, and a composite's parts line up in period and granularity."""

from hubei_data.registry.contents import Registry
from hubei_data.registry.metrics import dims_of, parts, period_of
from hubei_data.registry.references import first_cycle


def check(registry: Registry) -> None:
    """Raise the first reference that does not hold, as a RegistryError on the metric that makes it."""
    for code, metric in registry.metrics.items():
        _known(registry, code, metric)
    cycle = first_cycle(registry.metrics, lambda code: parts(registry.metrics[code]))
    if cycle:
        raise registry.error("metrics", cycle[0], None,
                             f"metrics depend on each other in a cycle: {' → '.join(cycle)}")
    for code, metric in registry.metrics.items():
        if metric.kind == "composite":
            _compatible(registry, code, metric)


def _known(registry: Registry, code: str, metric) -> None:
    for part in parts(metric):
        if part not in registry.metrics:
            raise registry.error("metrics", code, "atomic" if metric.kind == "derived" else "expression",
                                 f"unknown metric {part!r}")
    if metric.kind == "derived" and registry.metrics[metric.atomic].kind != "atomic":
        raise registry.error("metrics", code, "atomic",
                             f"{metric.atomic!r} is {registry.metrics[metric.atomic].kind}, not atomic")
    unknown = [name for name in getattr(metric, "by", ()) if name not in registry.dimensions]
    if unknown:
        raise registry.error("metrics", code, "by", f"unknown dimensions: {', '.join(unknown)}"
                             f" (known: {', '.join(registry.dimensions)})")


def _compatible(registry: Registry, code: str, metric) -> None:
    """A composite's parts cover the same period and granularity, so their values line up."""
    periods = {part: period_of(registry.metrics, part) for part in parts(metric)}
    dims = {part: set(dims_of(registry.metrics, part)) for part in parts(metric)}
    if len({str(period) for period in periods.values()}) > 1:
        shown = ", ".join(f"{part}: {period}" for part, period in periods.items())
        raise registry.error("metrics", code, "expression", f"parts cover incompatible periods ({shown})")
    if len({frozenset(each) for each in dims.values()}) > 1:
        shown = ", ".join(f"{part}: {sorted(each) or 'total'}" for part, each in dims.items())
        raise registry.error("metrics", code, "expression", f"parts have different granularity ({shown})")
    period = next(iter(periods.values()))
    for function, part in metric.expression.growth:
        if period.kind not in ("day", "month"):
            raise registry.error("metrics", code, "expression",
                                 f"{function}({part}) needs a day or month period, not {period}")
