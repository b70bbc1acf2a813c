"""A wrong metric or dimension (registry/metrics/) is refused whole, naming the file, the metric, the field and why."""

from tests.registry.breaking import edit as _edit, refusal as _refusal

DRUGS = "metrics/drug_regulation.yaml"
FILE = "registry/metrics/drug_regulation.yaml"
MONTHLY = "    atomic: sampling_batches\n    period: month\n  - code: failed_sampling_batches_month"


def test_a_typo_in_a_metric_field_is_refused_with_the_field_it_was_meant_to_be(copy):
    _edit(copy, DRUGS, MONTHLY, MONTHLY.replace("period: month", "perid: month"))
    error = _refusal(copy)
    assert str(error) == f"{FILE}: metric sampling_batches_month: perid: unknown field; did you mean period?"
    assert (error.file, error.entry, error.field) == (FILE, "metric sampling_batches_month", "perid")


def test_a_metric_of_an_unknown_kind_is_refused(copy):
    _edit(copy, DRUGS, "    kind: derived\n    name: 月度抽检批次\n", "    kind: derivd\n    name: 月度抽检批次\n")
    assert str(_refusal(copy)) == (f"{FILE}: metric sampling_batches_month: kind: 'derivd' is not one of atomic,"
                                   " derived, composite, custom")


def test_a_metric_over_an_unknown_dimension_is_refused(copy):
    _edit(copy, DRUGS, "    period: month\n    by: [division]\n  - code: penalty_cases_month",
          "    period: month\n    by: [hospital]\n  - code: penalty_cases_month")
    assert str(_refusal(copy)) == (f"{FILE}: metric inspections_month: by: unknown dimensions: hospital"
                                   " (known: division, enterprise_type, license_type, vaccine, sex)")


def test_a_composite_over_an_unknown_metric_is_refused(copy):
    _edit(copy, DRUGS, "ratio(failed_sampling_batches_month, sampling_batches_month)",
          "ratio(failed_sampling_batches_month, sampling_batch_month)")
    assert str(_refusal(copy)) == f"{FILE}: metric sampling_failure_rate: expression: unknown metric 'sampling_batch_month'"


def test_a_code_declared_twice_is_refused_where_it_is_declared_again(copy):
    _edit(copy, "metrics/health.yaml", "  - code: births_month\n", "  - code: sampling_batches_month\n")
    error = _refusal(copy)
    assert str(error) == (f"registry/metrics/health.yaml: metric sampling_batches_month: code: already declared in {FILE}")


def test_a_dimension_twice_is_refused(copy):
    _edit(copy, "metrics/_dimensions.yaml", "sex: {chinese: 性别, column: sex}",
          "sex: {chinese: 性别, column: sex}\ndivision: {chinese: 地区, column: division_code}")
    assert str(_refusal(copy)).startswith(
        "registry/metrics/_dimensions.yaml: not valid YAML: line 7, column 1: 'division' is declared twice")


def test_metrics_computed_from_each_other_are_refused(copy):
    _edit(copy, DRUGS, "ratio(failed_sampling_batches_month, sampling_batches_month)", "ratio(a, b)")
    with (copy / DRUGS).open("a", encoding="utf-8") as file:
        for code, other in (("a", "b"), ("b", "a")):
            file.write(f"  - {{code: {code}, kind: composite, name: 环, definition: 环, owner: 处, unit: 个,"
                       f" expression: '{other} * 2'}}\n")
    assert str(_refusal(copy)) == f"{FILE}: metric a: metrics depend on each other in a cycle: a → b → a"
