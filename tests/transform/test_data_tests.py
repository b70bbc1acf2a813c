"""Every generated dbt test has a readable name, unique on its model, and says its rule in words."""

import re
from collections import Counter
from dataclasses import replace

import pytest
import yaml

from hubei_data.catalog.dbt_yml import model_doc
from hubei_data.catalog.items import from_source
from hubei_data.catalog.models import Model
from hubei_data.transform import codegen, data_tests

YML = {path: yaml.safe_load(text) for path, text in codegen.generate().items() if path.endswith("__models.yml")}


def _tests_by_model() -> dict[str, list[tuple[str | None, str, dict]]]:
    """(column, kind, body) of every data test, per model."""
    found: dict[str, list] = {}
    for document in YML.values():
        for model in document["models"]:
            tests = [(None, test) for test in model.get("data_tests", [])]
            tests += [(c["name"], test) for c in model.get("columns", []) for test in c.get("data_tests", [])]
            found[model["name"]] = [(column, *next(iter(test.items()))) for column, test in tests]
    return found


TESTS = _tests_by_model()


@pytest.mark.parametrize("model", sorted(m for m, tests in TESTS.items() if tests))
def test_names_are_rule_and_column_unique_on_the_model_and_described(model):
    names = [body["name"] for _, _, body in TESTS[model]]
    assert [n for n, count in Counter(names).items() if count > 1] == []
    for column, kind, body in TESTS[model]:
        assert body["name"].startswith(f"{kind}_")
        if column is not None:
            assert body["name"] in (f"{kind}_{column}", *(f"{kind}_{column}_{m}" for m in TESTS))
        assert not re.search(r"_{3,}", body["name"]) and model not in body["name"]
        assert body["description"].endswith(".") and len(body["description"]) > len(body["name"]) / 2


def test_descriptions_say_the_rule():
    assert data_tests.accepted_values("enterprise_type", ("药品生产", "药品批发")) == {
        "accepted_values": {
            "name": "accepted_values_enterprise_type",
            "description": "enterprise_type is one of: 药品生产, 药品批发.",
            "arguments": {"values": ["药品生产", "药品批发"]},
        }
    }
    assert data_tests.relationships("holder_uscc", "shr_enterprise_basic", "uscc")["relationships"]["description"] == (
        "Every holder_uscc is a uscc of shr_enterprise_basic."
    )
    assert data_tests.unique_combination(("license_no", "license_type"))["unique_combination"]["name"] == (
        "unique_combination_license_no_license_type"
    )


def test_a_column_referring_to_two_models_gets_a_test_named_for_each():
    division = replace(from_source("enterprise", "division_code"),
                       references=("sub_enterprise_profile", "division_code"))
    model = Model("sub_example", "示例", "An example.", "湖北省药品监督管理局", ("uscc",),
                  (from_source("enterprise", "uscc"), division))
    columns = {c["name"]: c for c in model_doc(model)["columns"]}
    names = [next(iter(t.values()))["name"] for t in columns["division_code"]["data_tests"]]
    assert names == ["relationships_division_code_sub_enterprise_profile", "relationships_division_code_hubei_divisions"]
