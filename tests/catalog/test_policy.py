"""The catalog rules hold over the real dbt manifest, and a breach of any of them is caught."""

import copy

import pytest

from hubei_data.catalog import manifest as m
from hubei_data.catalog.policy import violations


@pytest.fixture(scope="module")
def manifest() -> dict:
    return m.load()


def _node(manifest: dict, name: str) -> dict:
    return next(n for n in manifest["nodes"].values() if n.get("name") == name)


def test_the_shipped_catalog_keeps_every_rule(manifest):
    assert violations(manifest) == []


def test_share_models_cover_the_required_datasets(manifest):
    tables = {n["alias"] for n in m.models(manifest, "share")}
    assert {
        "enterprise_basic", "license_info", "drug_product_info", "cosmetic_product_info",
        "device_product_info", "sampling_result", "penalty_info", "newborn_vaccination", "newborn_vaccination_lookup",
    } <= tables
    for node in m.models(manifest, "share"):
        assert node["config"]["contract"]["enforced"], node["name"]


def test_a_column_marked_not_shared_upstream_cannot_be_shared(manifest):
    doctored = copy.deepcopy(manifest)
    mother = _node(doctored, "sub_child_immunisation_profile")["columns"]["mother_id_no"]
    assert m.meta(mother)["share_type"] == "不予共享"
    _node(doctored, "shr_newborn_vaccination_lookup")["columns"]["mother_id_no"] = copy.deepcopy(mother)
    assert any("mother_id_no" in v and "不予共享" in v for v in violations(doctored))


def test_an_unmasked_personal_field_is_caught(manifest):
    doctored = copy.deepcopy(manifest)
    column = _node(doctored, "shr_enterprise_basic")["columns"]["legal_rep"]
    column["config"]["meta"].pop("masking_rule")
    column["meta"].pop("masking_rule", None)
    assert violations(doctored) == ["shr_enterprise_basic.legal_rep: personal (name) but not masked by rule: "
                                    "保留姓氏（含复姓），其余以*代替"]


def test_an_undescribed_item_or_missing_catalog_field_is_caught(manifest):
    doctored = copy.deepcopy(manifest)
    node = _node(doctored, "shr_penalty_info")
    node["config"]["meta"].pop("provider")
    node["meta"].pop("provider", None)
    node["columns"]["violation"]["config"]["meta"].pop("standard")
    node["columns"]["violation"]["meta"].pop("standard", None)
    found = violations(doctored)
    assert "shr_penalty_info: catalog field provider missing" in found
    assert "shr_penalty_info.violation: no standard" in found
