"""A wrong subject model or share dataset (registry/catalog/) is refused whole, naming the file, the model, the field
and why; the shipped files build the libraries the platform runs on, each item taken by reference where it says."""

from hubei_data import registry
from hubei_data.catalog import library
from hubei_data.catalog.items import MASKING
from hubei_data.catalog.share import DATASETS, SHARE_DATASETS
from hubei_data.catalog.subject import SUBJECT_MODELS
from hubei_data.contracts import SOURCES
from tests.registry.breaking import edit, refusal

LICENSE = "catalog/share/license_info.yaml"
FILE = "registry/catalog/share/license_info.yaml"


def _items(model) -> dict:
    return {item.name: item for item in model.items}


def test_the_shipped_files_build_the_libraries_in_their_order_with_items_taken_by_reference():
    assert [model.name for model in SUBJECT_MODELS] == [
        "sub_enterprise_profile", "sub_product_profile", "sub_child_identifier", "sub_child_immunisation_profile"]
    assert [each.resource_code for each in SHARE_DATASETS] == [
        *(f"420000-SYJ-GX-000{number}" for number in range(1, 8)), "420000-WJW-GX-0001", "420000-WJW-GX-0002"]
    assert SUBJECT_MODELS[2].provider == "湖北省卫生健康委员会" and SHARE_DATASETS[0].provider == "湖北省药品监督管理局"
    legal_rep = _items(DATASETS["enterprise_basic"])["legal_rep"]
    assert (legal_rep.personal, legal_rep.masking, legal_rep.rules) == ("name", "name", ())
    assert legal_rep.standard.endswith(f"（脱敏：{MASKING['name']}）")
    uscc = _items(DATASETS["license_info"])["uscc"]
    assert uscc.references == ("shr_enterprise_basic", "uscc")
    assert uscc.chinese == SOURCES["license"].column("uscc").chinese and uscc.rules
    looked_up = _items(DATASETS["newborn_vaccination_lookup"])
    assert looked_up["child_id_no"].masked_on_delivery and not looked_up["child_id_no"].standard.count("（脱敏")
    assert looked_up["sex"] == _items(DATASETS["newborn_vaccination"])["sex"]
    registrant = _items(DATASETS["cosmetic_product_info"])["registrant_name"]
    assert (registrant.chinese, registrant.description) == (
        "注册人/备案人名称", _items(DATASETS["license_info"])["enterprise_name"].description)
    profile = _items(SUBJECT_MODELS[0])
    assert (profile["inspections"].data_type, profile["inspections"].required) == ("bigint", True)
    assert _items(SUBJECT_MODELS[1])["product_kind"].standard == "代码表：药品、化妆品、医疗器械"


def test_a_new_file_is_a_new_share_dataset(copy):
    (copy / "catalog" / "share" / "recall_notice.yaml").write_text(
        "name: recall_notice\nresource_code: 420000-SYJ-GX-0008\nchinese: 药品召回信息\nsummary: 药品召回。\n"
        "description: Recalls.\nprovider: drug_regulator\ncategory: 市场监管 / 药品监管 / 召回\n"
        "share_type: 有条件共享\nconditions: 经审批\nconsumers: 省卫生健康委员会\nkey: [approval_no]\nitems:\n"
        "  - from: share.drug_product_info.approval_no\n"
        "  - {name: recalled, chinese: 已召回, type: flag, description: Recalled.}\n", encoding="utf-8")
    subjects, shares = library.build(registry.load(copy))
    recall = shares[7]
    assert (recall.name, recall.key, recall.record_level) == ("shr_recall_notice", ("approval_no",), True)
    assert [each.name for each in shares] == [*(each.name for each in SHARE_DATASETS[:7]), recall.name,
                                              *(each.name for each in SHARE_DATASETS[7:])]
    assert recall.items[0] == _items(DATASETS["drug_product_info"])["approval_no"]
    assert (recall.items[1].data_type, recall.items[1].required) == ("boolean", True)
    assert subjects == SUBJECT_MODELS


def test_a_typo_in_an_item_field_is_refused_with_the_field_it_was_meant_to_be(copy):
    edit(copy, "catalog/share/enterprise_basic.yaml", "legal_rep, masked: true}", "legal_rep, maskd: true}")
    error = refusal(copy)
    assert str(error) == ("registry/catalog/share/enterprise_basic.yaml: share dataset enterprise_basic:"
                          " items[2].maskd: unknown field; did you mean masked?")
    assert (error.file, error.entry, error.field) == (
        "registry/catalog/share/enterprise_basic.yaml", "share dataset enterprise_basic", "items[2].maskd")


def test_an_item_taken_from_an_unknown_source_column_is_refused(copy):
    edit(copy, LICENSE, "from: source.license.license_no", "from: source.license.licence_no")
    assert str(refusal(copy)).startswith(
        f"{FILE}: share dataset license_info: items[0].from: unknown column 'licence_no'; the columns are: license_no,")


def test_an_item_taken_from_an_unknown_model_or_item_is_refused(copy):
    edit(copy, "catalog/subject/child_immunisation_profile.yaml", "from: subject.child_identifier.child_key",
         "from: subject.child_identifiers.child_key")
    assert str(refusal(copy)) == (
        "registry/catalog/subject/child_immunisation_profile.yaml: subject model child_immunisation_profile:"
        " items[0].from: unknown subject model 'child_identifiers'; the subject models are: child_identifier,"
        " child_immunisation_profile, enterprise_profile, product_profile")
    edit(copy, "catalog/subject/child_immunisation_profile.yaml", "from: subject.child_identifiers.child_key",
         "from: subject.child_identifier.child")
    assert str(refusal(copy)) == (
        "registry/catalog/subject/child_immunisation_profile.yaml: subject model child_immunisation_profile:"
        " items[0].from: unknown item 'child'; the items are: identifier, identifier_kind, child_key, linked_by"
        " (of subject model child_identifier)")


def test_a_reference_that_is_not_one_is_refused(copy):
    edit(copy, LICENSE, "references: share.enterprise_basic.uscc", "references: enterprise_basic.uscc")
    assert str(refusal(copy)) == (
        f"{FILE}: share dataset license_info: items[2].references: 'enterprise_basic.uscc' is not a reference:"
        " <library>.<entry>.<item>, the library one of source, subject, share, e.g. source.license.license_no")


def test_a_dataset_declared_twice_is_refused_where_it_is_declared_again(copy):
    (copy / "catalog" / "share" / "licenses.yaml").write_text(
        (copy / LICENSE).read_text(encoding="utf-8"), encoding="utf-8")
    error = refusal(copy)
    assert str(error) == ("registry/catalog/share/licenses.yaml: share dataset license_info: name:"
                          f" already declared in {FILE}")


def test_an_item_declared_twice_or_a_key_naming_no_item_is_refused(copy):
    edit(copy, LICENSE, "  - from: source.license.authority\n", "  - {from: source.license.authority, name: status}\n")
    assert str(refusal(copy)) == f"{FILE}: share dataset license_info: items[7]: item 'status' is declared twice" \
                                 " (first as items[6])"
    edit(copy, LICENSE, "  - {from: source.license.authority, name: status}\n", "  - from: source.license.authority\n")
    edit(copy, LICENSE, "key: [license_no, license_type]", "key: [license_no, licence_type]")
    assert str(refusal(copy)).startswith(f"{FILE}: share dataset license_info: key: unknown item 'licence_type';")


def test_masking_an_item_without_personal_data_or_masked_already_is_refused(copy):
    edit(copy, LICENSE, "  - from: source.license.status\n", "  - {from: source.license.status, masked: true}\n")
    assert str(refusal(copy)) == (
        f"{FILE}: share dataset license_info: items[7].masked: item 'status' holds no personal data to mask: say"
        " which with personal (id_number, name, phone)")
    edit(copy, LICENSE, "  - {from: source.license.status, masked: true}\n", "  - from: source.license.status\n")
    edit(copy, "catalog/share/newborn_vaccination_lookup.yaml",
         "from: subject.child_immunisation_profile.child_name, masked_on_delivery",
         "from: share.newborn_vaccination.child_name, masked_on_delivery")
    assert str(refusal(copy)) == (
        "registry/catalog/share/newborn_vaccination_lookup.yaml: share dataset newborn_vaccination_lookup:"
        " items[3].from: item 'child_name' is masked already in share.newborn_vaccination.child_name")


def test_models_taking_items_from_each_other_in_a_cycle_are_refused(copy):
    edit(copy, LICENSE, "{name: enterprise_name, chinese: 企业名称, description:"
         " 'From the enterprise register, when the enterprise is in it.'}", "from: share.penalty_info.enterprise_name")
    assert str(refusal(copy)) == (f"{FILE}: share dataset license_info: takes items from itself:"
                                  " share.license_info → share.penalty_info → share.license_info")


def test_a_provider_that_is_no_owner_is_refused(copy):
    edit(copy, "catalog/subject/product_profile.yaml", "provider: drug_regulator", "provider: regulator")
    assert str(refusal(copy)) == (
        "registry/catalog/subject/product_profile.yaml: subject model product_profile: provider: unknown owner"
        " 'regulator'; the owners are: drug_regulator, health_commission (declared in registry/sources/_owners.yaml)")


def test_a_resource_code_given_to_two_datasets_is_refused(copy):
    edit(copy, "catalog/share/penalty_info.yaml", "resource_code: 420000-SYJ-GX-0007",
         "resource_code: 420000-SYJ-GX-0002")
    assert str(refusal(copy)) == ("registry/catalog/share/penalty_info.yaml: share dataset penalty_info: resource_code:"
                                  " 420000-SYJ-GX-0002 is share dataset license_info's already")
