"""Subscription files: the shipped ones load, and every broken rule is refused with its reason."""

from pathlib import Path

import pytest

from hubei_data.exchange.subscription import SubscriptionError, load_subscriptions, parse
from hubei_data.row_filter import compile_filter

GOOD = {
    "id": "test_sub", "department": "省医保局", "purpose": "测试", "dataset": "penalty_info",
    "fields": ["case_no", "uscc", "fine_yuan"], "filter": [{"field": "fine_yuan", "op": ">", "value": 100}],
    "schedule": "0 2 * * *", "target": {"url_env": "TARGET_URL", "table": "penalties"}, "mode": "upsert",
    "valid_from": "2026-01-01", "valid_until": "2026-12-31",
}


def _error(**changes) -> str:
    with pytest.raises(SubscriptionError) as caught:
        parse({**GOOD, **changes}, Path("sub.yaml"))
    return str(caught.value)


def test_the_shipped_subscriptions_load():
    loaded = {s.id: s for s in load_subscriptions()}
    assert {"yibao_penalty", "gongan_newborn"} <= set(loaded)
    assert loaded["gongan_newborn"].mode == "snapshot"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"dataset": "mother_ids"}, "dataset 'mother_ids' is not a share dataset"),
        ({"dataset": "newborn_vaccination_lookup", "fields": ["record_id"], "filter": []},
         "served only by the data API"),
        ({"fields": ["case_no", "mother_id_no"]}, "fields not in penalty_info: mother_id_no"),
        ({"fields": ["uscc"]}, "upsert needs the key fields case_no"),
        ({"mode": "merge"}, "mode must be one of upsert, snapshot"),
        ({"schedule": "every night"}, "is not a cron expression"),
        ({"target": {"url_env": "postgresql://u:p@h/db", "table": "t"}}, "URLs never live in the file"),
        ({"target": {"url_env": "X", "table": "t; drop table x"}}, "target.table must be"),
        ({"valid_until": "2025-12-31"}, "valid_until is before valid_from"),
        ({"filter": [{"field": "fine_yuan", "op": "; delete", "value": 1}]}, "filter operator '; delete' is not one of"),
        ({"filter": [{"field": "1=1 or uscc", "op": "=", "value": 1}]}, "filter field '1=1 or uscc' is not in"),
        ({"filter": [{"field": "fine_yuan", "op": ">", "value": "lots"}]}, "is not a numeric for fine_yuan"),
        ({"filter": [{"field": "decided_on", "op": "between", "value": ["2026-01-01"]}]}, "a list of two values"),
        ({"filter": [{"field": "case_no", "op": "is null", "value": 1}]}, "takes no value"),
        ({"filter": "fine_yuan > 100"}, "each filter condition is a mapping"),
        ({"sql": "select 1"}, "unknown fields: sql"),
    ],
)
def test_broken_rules_are_refused_with_the_file_and_reason(changes, message):
    error = _error(**changes)
    assert error.startswith("sub.yaml: ") and message in error


def test_the_filter_is_compiled_with_identifiers_and_parameters_only():
    spec = {**GOOD, "filter": [
        {"field": "case_no", "op": "prefix", "value": "鄂药监罚'%_"},
        {"field": "decided_on", "op": "between", "value": ["2026-01-01", "2026-06-30"]},
        {"field": "uscc", "op": "in", "value": ["A", "B"]},
        {"field": "violation", "op": "is not null"},
    ]}
    where, params = compile_filter(parse(spec, Path("sub.yaml")).conditions)
    text = where.as_string(None) if hasattr(where, "as_string") else str(where)
    assert "鄂药监罚" not in text and "2026" not in text
    assert params[0] == "鄂药监罚'\\%\\_%" and [str(p) for p in params[1:3]] == ["2026-01-01", "2026-06-30"]
    assert params[3] == ["A", "B"]
