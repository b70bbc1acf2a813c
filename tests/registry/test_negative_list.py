"""The negative list (负面清单) enforced where 不予共享 is: an item on it in a data API definition or a subscription stops
it loading, naming both; a share model column carrying it, itself or built from it, breaks the catalog's rules."""

import pytest

from hubei_data import project
from hubei_data.api.spec import load_apis
from hubei_data.catalog import manifest as m
from hubei_data.catalog.policy import violations
from hubei_data.exchange.subscription import load_subscriptions
from hubei_data.registry import RegistryError
from tests.people import invoke

NEGATIVE = "lists/negative.yaml"


def _forbid(root, code: str, target: str) -> None:
    """Add an entry to the copied negative list; `target` is `item: table.field` or `element: name`."""
    path = root / NEGATIVE
    path.write_text(path.read_text(encoding="utf-8") + (
        f"  {code}:\n    name: 测试禁止项\n    {target}\n    legal_basis: 测试依据\n    office: 测试处室\n"),
        encoding="utf-8")


def test_the_shipped_apis_subscriptions_and_share_models_respect_the_negative_list():
    assert load_apis() and load_subscriptions()
    assert violations(m.load()) == []


def test_a_negative_item_among_a_wizard_apis_fields_stops_the_apis_loading_naming_both(copy):
    _forbid(copy, "FM-T-001", "item: sampling_result.failed_items")
    with pytest.raises(RegistryError) as refused:
        load_apis(copy)
    assert str(refused.value) == (
        "registry/apis/sampling.yaml: API sampling: fields: failed_items is negative-list item FM-T-001 测试禁止项"
        " (registry/lists/negative.yaml): it may not be shared")


def test_a_negative_element_answered_by_a_sql_api_stops_it_loading(copy):
    _forbid(copy, "FM-T-002", "element: vaccination_unit_code")
    with pytest.raises(RegistryError) as refused:
        load_apis(copy)
    error = refused.value
    assert (error.file, error.entry, error.field) == ("registry/apis/vaccination.yaml", "API vaccination", "sql")
    assert error.reason.startswith("unit_code is negative-list item FM-T-002 测试禁止项")


def test_the_api_command_refuses_in_one_line_naming_the_api_and_the_item(copy, monkeypatch, warehouse):
    _forbid(copy, "FM-T-001", "item: sampling_result.failed_items")
    monkeypatch.setenv(project.VARIABLE, str(copy.parent))
    listed = invoke(["api", "list"])
    assert listed.exit_code == 1
    assert listed.output.startswith("Error: registry/apis/sampling.yaml: API sampling: fields: failed_items is"
                                    " negative-list item FM-T-001")


def test_a_negative_item_among_a_subscriptions_fields_stops_the_subscriptions_loading(copy):
    _forbid(copy, "FM-T-003", "item: newborn_vaccination.child_name")
    with pytest.raises(RegistryError) as refused:
        load_subscriptions(copy)
    assert str(refused.value).startswith(
        "registry/subscriptions/gongan_newborn.yaml: subscription gongan_newborn: fields: child_name is negative-list"
        " item FM-T-003")


def test_an_item_named_where_the_data_comes_from_is_followed_into_the_apis_and_subscriptions(copy):
    _forbid(copy, "FM-T-005", "item: vaccination.child_name")
    with pytest.raises(RegistryError) as refused:
        load_apis(copy)
    assert refused.value.entry == "API vaccination"
    assert refused.value.reason.startswith("child_name is negative-list item FM-T-005")
    with pytest.raises(RegistryError) as refused:
        load_subscriptions(copy)
    assert refused.value.entry == "subscription gongan_newborn"


def test_an_item_sharing_only_its_data_element_with_an_answered_field_is_not_followed():
    from hubei_data import project, registry
    from hubei_data.governance.negative import ELEMENTS

    assert registry.load().lists["negative"].entries["FM-WJW-001"].item == "birth_certificate.mother_id_no"
    assert ELEMENTS["birth_certificate"]["mother_id_no"] == ELEMENTS["newborn_vaccination_lookup"]["child_id_no"]
    assert "child_id_no" in load_apis()["vaccination"].fields


def test_a_share_column_built_from_a_negative_item_upstream_breaks_the_catalogs_rules(copy, monkeypatch):
    _forbid(copy, "FM-T-004", "item: vaccination.vaccine_name")
    monkeypatch.setenv(project.VARIABLE, str(copy.parent))
    found = violations(m.load())
    assert "shr_newborn_vaccination.vaccine_name: carries negative-list item FM-T-004 测试禁止项" \
           " (registry/lists/negative.yaml): it may not be shared" in found
    assert any(line.startswith("shr_newborn_vaccination_lookup.vaccine_name:") for line in found)
    assert not any("shr_sampling_result" in line for line in found)
