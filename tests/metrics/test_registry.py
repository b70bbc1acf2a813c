"""The metric registry: the shipped indicator system loads; broken definitions are refused with clear errors."""

import shutil
from pathlib import Path

import pytest
import yaml

from hubei_data.metrics.registry import load_registry
from hubei_data.registry import RegistryError, project_registry


def test_the_shipped_indicator_system_has_every_kind_and_at_least_twelve_metrics():
    registry = load_registry()
    kinds = {m.kind for m in registry.metrics.values()}
    assert kinds == {"atomic", "derived", "composite", "custom"}
    assert len([m for m in registry.metrics.values() if m.kind != "atomic"]) >= 12
    assert registry.metrics["sampling_failure_rate"].parts == ("failed_sampling_batches_month", "sampling_batches_month")
    assert registry.metrics["sampling_batches_yoy"].expression.growth == (("growth_yoy", "sampling_batches_month"),)
    assert str(registry.period_of("vaccine_doses")) == "day"
    assert all(m.name and m.definition and m.owner and m.unit for m in registry.metrics.values())


def _with(tmp_path: Path, *metrics: dict) -> Path:
    root = shutil.copytree(project_registry(), tmp_path / "registry")
    (root / "metrics" / "health.yaml").unlink()
    (root / "metrics" / "extra.yaml").write_text(yaml.safe_dump({"metrics": list(metrics)}, allow_unicode=True),
                                                 encoding="utf-8")
    return root


COMMON = {"name": "测试", "definition": "测试口径", "owner": "测试处", "unit": "个"}


@pytest.mark.parametrize(("metric", "words"), [
    ({"code": "x", "kind": "composite", "expression": "ratio(nothing, sampling_batches_month)"}, "unknown metric 'nothing'"),
    ({"code": "x", "kind": "derived", "atomic": "sampling_batches", "period": "month", "by": ["hospital"]}, "unknown dimensions: hospital"),
    ({"code": "x", "kind": "derived", "atomic": "sampling_batches", "period": "month", "by": ["vaccine"]}, "no column for dimensions: vaccine"),
    ({"code": "x", "kind": "derived", "atomic": "sampling_batches", "period": "fortnight"}, "period"),
    ({"code": "x", "kind": "derived", "atomic": "sampling_batches_month", "period": "month"}, "is derived, not atomic"),
    ({"code": "x", "kind": "derived", "atomic": "sampling_batches", "period": "month",
      "filters": [{"field": "colour", "op": "=", "value": "red"}]}, "filter field 'colour'"),
    ({"code": "x", "kind": "composite", "expression": "sampling_batches_month / sampling_batches_ytd"}, "incompatible periods"),
    ({"code": "x", "kind": "composite", "expression": "inspections_month / sampling_batches_month"}, "different granularity"),
    ({"code": "x", "kind": "composite", "expression": "growth_mom(sampling_batches_ytd)"}, "day or month period"),
    ({"code": "x", "kind": "composite", "expression": "__import__('os')"}, "functions are"),
    ({"code": "x", "kind": "composite", "expression": "sampling_batches_month.real"}, "Attribute is not allowed"),
    ({"code": "x", "kind": "custom", "model": "resource.sampling", "expression": "count(*) + pg_sleep(1)", "period": "month"}, "functions not allowed"),
    ({"code": "x", "kind": "custom", "model": "resource.sampling", "expression": "(select count(*) from raw.sampling)", "period": "month"}, "no subqueries"),
    ({"code": "x", "kind": "custom", "model": "raw.sampling", "expression": "count(*)", "period": "month"}, "is not a resource or subject table"),
    ({"code": "x", "kind": "atomic", "model": "resource.sampling", "aggregation": "median", "time": "sampled_on"}, "aggregation: must be 'count' or 'sum'"),
    ({"code": "x", "kind": "atomic", "model": "resource.sampling", "aggregation": "count"}, "name its time column"),
    ({"code": "x", "kind": "atomic", "model": "resource.sampling", "aggregation": "count", "time": "sampled_on", "colour": 1}, "colour: unknown field"),
    ({"code": "sampling_batches", "kind": "atomic", "model": "resource.sampling", "aggregation": "count", "time": "sampled_on"}, "already declared"),
])
def test_a_broken_definition_is_refused_with_the_file_metric_and_reason(tmp_path, metric, words):
    with pytest.raises(RegistryError, match=words) as raised:
        load_registry(_with(tmp_path, {**COMMON, **metric}))
    assert raised.value.file == "registry/metrics/extra.yaml"
    assert raised.value.entry == f"metric {metric['code']}"


def test_a_metric_without_its_definition_is_refused(tmp_path):
    with pytest.raises(RegistryError, match="definition"):
        load_registry(_with(tmp_path, {"code": "x", "kind": "composite", "name": "x", "owner": "o", "unit": "u",
                                       "expression": "sampling_batches_month"}))


def test_metrics_that_depend_on_each_other_are_refused(tmp_path):
    with pytest.raises(RegistryError, match="cycle: a → b → a"):
        load_registry(_with(tmp_path, {**COMMON, "code": "a", "kind": "composite", "expression": "b + sampling_batches_month"},
                            {**COMMON, "code": "b", "kind": "composite", "expression": "a * 2"}))
