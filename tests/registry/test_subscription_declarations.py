"""Subscriptions (registry/subscriptions/): the shipped ones load, and every broken rule is refused naming the file,
the subscription, the field and why."""

import pytest
import yaml

from hubei_data.exchange.subscription import checked, load_subscriptions
from hubei_data.registry import RegistryError
from hubei_data.registry.subscriptions import Subscription
from hubei_data.row_filter import compile_filter

GOOD = {
    "id": "test_sub", "department": "省医保局", "purpose": "测试", "dataset": "penalty_info",
    "fields": ["case_no", "uscc", "fine_yuan"], "filter": [{"field": "fine_yuan", "op": ">", "value": 100}],
    "schedule": "0 2 * * *", "target": {"url_env": "TARGET_URL", "table": "penalties"}, "mode": "upsert",
    "valid_from": "2026-01-01", "valid_until": "2026-12-31",
}
FILE = "registry/subscriptions/test_sub.yaml"


def _declare(root, name: str, document: dict) -> None:
    (root / "subscriptions" / f"{name}.yaml").write_text(yaml.safe_dump(document, allow_unicode=True),
                                                          encoding="utf-8")


def test_the_shipped_subscriptions_load():
    loaded = {s.id: s for s in load_subscriptions()}
    assert {"yibao_penalty", "gongan_newborn"} <= set(loaded)
    assert loaded["gongan_newborn"].mode == "snapshot"
    assert loaded["yibao_penalty"].file == "registry/subscriptions/yibao_penalty.yaml"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"dataset": "mother_ids"}, "dataset", "'mother_ids' is not a share dataset"),
        ({"dataset": "newborn_vaccination_lookup", "fields": ["record_id"], "filter": []}, "dataset",
         "served only by the data API"),
        ({"fields": ["case_no", "mother_id_no"]}, "fields", "fields not in penalty_info: mother_id_no"),
        ({"fields": []}, "fields", "at least 1 item"),
        ({"fields": ["uscc"]}, "fields", "an upsert sends the key fields case_no"),
        ({"mode": "merge"}, "mode", "'merge' is not one of upsert, snapshot"),
        ({"schedule": "every night"}, "schedule", "'every night' is not a cron expression"),
        ({"target": {"url_env": "postgresql://u:p@h/db", "table": "t"}}, "target.url_env",
         "URLs never live in the file"),
        ({"target": {"url_env": "X", "table": "t; drop table x"}}, "target.table", "is not a name"),
        ({"target": {"url_env": "X"}}, "target.table", "required"),
        ({"valid_until": "2025-12-31"}, "valid_until", "is before valid_from (2026-01-01)"),
        ({"valid_from": "soon"}, "valid_from", "must be a valid date"),
        ({"filter": [{"field": "fine_yuan", "op": "; delete", "value": 1}]}, "filter[0]",
         "filter operator '; delete' is not one of"),
        ({"filter": [{"field": "1=1 or uscc", "op": "=", "value": 1}]}, "filter[0]",
         "filter field '1=1 or uscc' is not in"),
        ({"filter": [{"field": "fine_yuan", "op": ">", "value": "lots"}]}, "filter[0]",
         "is not a numeric for fine_yuan"),
        ({"filter": [{"field": "case_no", "op": "=", "value": "A"},
                     {"field": "decided_on", "op": "between", "value": ["2026-01-01"]}]}, "filter[1]",
         "a list of two values"),
        ({"filter": [{"field": "case_no", "op": "is null", "value": 1}]}, "filter[0]", "takes no value"),
        ({"filter": [{"field": "case_no", "op": "=", "valeu": 1}]}, "filter[0]", "each filter condition is a mapping"),
        ({"filter": "fine_yuan > 100"}, "filter", "must be a list of conditions"),
        ({"sql": "select 1"}, "sql", "unknown field"),
        ({"purpose": None}, "purpose", "must be a valid string"),
    ],
)
def test_broken_rules_are_refused_naming_the_file_subscription_field_and_reason(copy, changes, field, message):
    _declare(copy, "test_sub", {**GOOD, **changes})
    with pytest.raises(RegistryError) as refused:
        load_subscriptions(copy)
    error = refused.value
    assert (error.file, error.entry, error.field) == (FILE, "subscription test_sub", field)
    assert str(error).startswith(f"{FILE}: subscription test_sub: {field}: ") and message in error.reason


def test_a_missing_field_is_refused_as_required(copy):
    _declare(copy, "test_sub", {name: value for name, value in GOOD.items() if name != "schedule"})
    with pytest.raises(RegistryError) as refused:
        load_subscriptions(copy)
    assert str(refused.value) == f"{FILE}: subscription test_sub: schedule: required"


def test_a_bad_id_is_refused_naming_the_file_it_is_in(copy):
    _declare(copy, "test_sub", {**GOOD, "id": "Test-Sub"})
    with pytest.raises(RegistryError) as refused:
        load_subscriptions(copy)
    assert (refused.value.file, refused.value.entry, refused.value.field) == (FILE, "subscription Test-Sub", "id")


def test_an_id_declared_in_two_files_is_refused_where_it_is_declared_again(copy):
    _declare(copy, "yibao_renewed", {**GOOD, "id": "yibao_penalty"})
    with pytest.raises(RegistryError) as refused:
        load_subscriptions(copy)
    assert str(refused.value) == ("registry/subscriptions/yibao_renewed.yaml: subscription yibao_penalty: id:"
                                  " already declared in registry/subscriptions/yibao_penalty.yaml")


def test_the_filter_is_compiled_with_identifiers_and_parameters_only():
    spec = {**GOOD, "filter": [
        {"field": "case_no", "op": "prefix", "value": "鄂药监罚'%_"},
        {"field": "decided_on", "op": "between", "value": ["2026-01-01", "2026-06-30"]},
        {"field": "uscc", "op": "in", "value": ["A", "B"]},
        {"field": "violation", "op": "is not null"},
    ]}
    where, params = compile_filter(checked(Subscription.model_validate(spec), "sub.yaml").conditions)
    text = where.as_string(None) if hasattr(where, "as_string") else str(where)
    assert "鄂药监罚" not in text and "2026" not in text
    assert params[0] == "鄂药监罚'\\%\\_%" and [str(p) for p in params[1:3]] == ["2026-01-01", "2026-06-30"]
    assert params[3] == ["A", "B"]
