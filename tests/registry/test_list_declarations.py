"""The three lists, the matters and the rejections (registry/lists/, registry/matters.yaml): the shipped ones load,
and every wrong entry is refused naming the file, the entry, the field and why."""

import pytest

from hubei_data.governance import lists
from hubei_data.governance.matters import check as check_matters
from hubei_data.registry import RegistryError
from tests.registry.breaking import edit, refusal

RESPONSIBILITIES = "lists/responsibilities.yaml"
DEMANDS = "lists/demands.yaml"
NEGATIVE = "lists/negative.yaml"


def _checked_refusal(root) -> RegistryError:
    with pytest.raises(RegistryError) as refused:
        lists.load(root)
    return refused.value


def test_the_shipped_lists_link_to_the_catalog_and_keep_their_version():
    declared = lists.load()
    assert set(declared.lists) == {"responsibilities", "demands", "negative"}
    duty = declared.lists["responsibilities"].entries["ZR-WJW-001"]
    assert duty.catalog == ("420000-WJW-GX-0001",) and duty.cycle == "每日"
    assert declared.lists["demands"].entries["XQ-GA-001"].met_by[0].name == "gongan_newborn"
    assert declared.lists["negative"].entries["FM-WJW-001"].item == "birth_certificate.mother_id_no"
    assert declared.lists["negative"].version == 1
    assert declared.lists["negative"].imported_from.endswith("负面清单.xlsx")
    assert declared.rejections["RJ-2023-001"].status == "resubmitted"
    newborn = next(iter(declared.matters.values()))
    assert newborn.apis == ("vaccination",)
    check_matters(declared)


def test_an_unknown_catalog_code_is_refused_naming_the_entry(copy):
    edit(copy, RESPONSIBILITIES, "catalog: [420000-WJW-GX-0001]", "catalog: [420000-WJW-GX-0099]")
    error = _checked_refusal(copy)
    assert (error.file, error.entry, error.field) == (
        "registry/lists/responsibilities.yaml", "responsibility ZR-WJW-001", "catalog")
    assert "unknown catalog code 420000-WJW-GX-0099" in error.reason


def test_a_data_item_the_linked_entries_do_not_hold_is_refused(copy):
    edit(copy, RESPONSIBILITIES, "items: [record_id, birth_cert_no, child_id_no, child_name, sex,",
         "items: [record_id, mother_id_no, child_id_no, child_name, sex,")
    error = _checked_refusal(copy)
    assert str(error) == ("registry/lists/responsibilities.yaml: responsibility ZR-WJW-001: items: mother_id_no is no"
                          " data item of 420000-WJW-GX-0001")


def test_an_update_cycle_freshness_cannot_hold_is_refused(copy):
    edit(copy, RESPONSIBILITIES, "    cycle: 每日\n  ZR-WJW-002", "    cycle: 随时\n  ZR-WJW-002")
    assert "'随时' is not an update cycle (实时, 每日" in _checked_refusal(copy).reason


def test_a_demand_naming_a_dataset_that_does_not_exist_is_refused(copy):
    edit(copy, DEMANDS, "{kind: api, name: vaccination}", "{kind: dataset, name: newborn_vaccinations}")
    error = _checked_refusal(copy)
    assert (error.entry, error.field) == ("demand XQ-YB-001", "met_by[0].name")
    assert error.reason.startswith("'newborn_vaccinations' is not a share dataset (")


def test_a_demand_met_by_an_api_that_is_not_declared_is_refused_by_the_registry(copy):
    edit(copy, DEMANDS, "{kind: api, name: vaccination}", "{kind: api, name: vaccinations}")
    error = refusal(copy)
    assert (error.entry, error.field) == ("demand XQ-YB-001", "met_by[0].name")
    assert error.reason.startswith("no api 'vaccinations' is declared")


def test_a_demand_neither_met_nor_answered_is_refused(copy):
    edit(copy, DEMANDS, "    answer: 母亲身份证号列入负面清单（FM-WJW-001），不予共享；补贴核验请通过公安人口库身份核验服务办理。\n", "")
    error = refusal(copy)
    assert (error.file, error.entry) == ("registry/lists/demands.yaml", "demand XQ-MZ-001")
    assert error.reason.startswith("neither met")


@pytest.mark.parametrize(("old", "new", "field", "reason"), [
    ("item: birth_certificate.mother_id_no", "item: birth_certificates.mother_id_no", "item",
     "'birth_certificates' is no table of the catalog"),
    ("item: birth_certificate.mother_id_no", "item: birth_certificate.mother_id", "item",
     "'mother_id' is no data item of birth_certificate"),
])
def test_a_negative_item_naming_no_catalog_item_is_refused(copy, old, new, field, reason):
    edit(copy, NEGATIVE, old, new)
    error = _checked_refusal(copy)
    assert (error.entry, error.field, error.reason) == ("negative item FM-WJW-001", field, reason)


def test_a_negative_item_naming_an_unknown_element_or_both_forms_is_refused(copy):
    edit(copy, NEGATIVE, "element: midwifery_institution", "element: midwife")
    assert str(refusal(copy)) == ("registry/lists/negative.yaml: negative item FM-WJW-002: element: unknown data"
                                  " element 'midwife'")
    edit(copy, NEGATIVE, "element: midwife", "element: midwifery_institution\n    item: birth_certificate.hospital")
    assert "names exactly one of item" in refusal(copy).reason


def test_a_list_code_that_is_not_one_is_refused(copy):
    edit(copy, NEGATIVE, "  FM-WJW-002:", "  FM WJW 002:")
    error = refusal(copy)
    assert error.entry == "negative item FM WJW 002" and "is not a list code" in error.reason


def test_a_list_without_its_version_is_refused(copy):
    edit(copy, NEGATIVE, "version: 1\n", "")
    error = refusal(copy)
    assert (error.file, error.entry, error.field, error.reason) == (
        "registry/lists/negative.yaml", None, "version", "required")


def test_a_rejection_must_follow_its_steps_in_order_and_name_a_listed_entry(copy):
    edit(copy, "lists/rejections.yaml", "{status: resubmitted,", "{status: accepted,")
    assert refusal(copy).reason == "fixed is followed by resubmitted, not accepted"
    edit(copy, "lists/rejections.yaml", "{status: accepted,", "{status: resubmitted,")
    edit(copy, "lists/rejections.yaml", "entry: ZR-WJW-002", "entry: ZR-WJW-009")
    error = refusal(copy)
    assert (error.entry, error.field) == ("rejection RJ-2023-001", "entry")
    assert error.reason == "responsibilities has no entry 'ZR-WJW-009'"


def test_a_matter_using_an_unknown_api_or_dataset_is_refused(copy):
    edit(copy, "matters.yaml", "apis: [vaccination]", "apis: [vaccinations]")
    assert refusal(copy).reason.startswith("no data API vaccinations is declared")
    edit(copy, "matters.yaml", "apis: [vaccinations]", "apis: [vaccination]")
    edit(copy, "matters.yaml", "datasets: [newborn_vaccination,", "datasets: [newborn_vaccinations,")
    with pytest.raises(RegistryError) as refused:
        check_matters(lists.load(copy))
    assert refused.value.entry == "matter 11420000MB1960929G4420117002000"
    assert refused.value.reason.startswith("newborn_vaccinations is not a share dataset")
