"""A source file that is wrong is refused whole, in one line naming the file, the source and column, the field and
why; the shipped files build exactly the contracts the platform runs on."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hubei_data import project, registry
from hubei_data.contracts import SOURCES
from hubei_data.contracts import model as m
from hubei_data.contracts.sources import build
from tests.registry import breaking


def _edit(root, source: str, old: str, new: str) -> None:
    breaking.edit(root, f"sources/{source}.yaml", old, new)


def _refusal(root) -> str:
    return str(breaking.refusal(root))


def test_the_shipped_files_declare_the_ten_sources_with_their_rules():
    assert list(SOURCES) == ["enterprise", "license", "drug_product", "cosmetic_filing", "device_registration",
                             "inspection", "sampling", "penalty", "vaccination", "birth_certificate"]
    license_no = SOURCES["license"].column("license_no")
    assert [(rule.regex, rule.when) for rule in license_no.rules] == [
        (r"^鄂[0-9]{8}$", ("license_type", "药品生产许可证")), (r"^鄂妆[0-9]{8}$", ("license_type", "化妆品生产许可证"))]
    assert SOURCES["license"].column("uscc").rules == (m.Uscc(), m.ExistsIn("enterprise", "uscc"))
    assert SOURCES["vaccination"].column("vaccinated_on").rules == (m.After("birth_date", inclusive=True),
                                                                    m.NotFuture())
    assert SOURCES["vaccination"].owner == "省卫健委" and SOURCES["vaccination"].system == "免疫规划信息系统"


RECALL = ("chinese: 药品召回\nsystem: approval\nresource_code: 420000-SYJ-ZY-0009\nchannel: file\nkey: [recall_no]\n"
          "columns:\n  recall_no: {chinese: 召回编号, required: true}\n"
          "  uscc: {chinese: 企业统一社会信用代码, code: true, length: 18, element: uscc,"
          " rules: [uscc, {exists_in: {source: enterprise, column: uscc}}]}\n")


def test_a_new_file_is_a_new_source(copy):
    (copy / "sources" / "recall.yaml").write_text(RECALL, encoding="utf-8")
    recall = build(registry.load(copy))["recall"]
    assert list(build(registry.load(copy)))[-1] == "recall"
    assert recall.column("uscc").rules == (m.Uscc(), m.ExistsIn("enterprise", "uscc"))
    assert (recall.owner, recall.system_code, recall.key) == ("省药监局", "approval", ("recall_no",))


def test_a_new_source_listed_first_renumbers_no_other_sources_catalog_code(copy):
    (copy / "sources" / "recall.yaml").write_text("order: 1\n" + RECALL, encoding="utf-8")
    built = build(registry.load(copy))
    assert list(built)[:3] == ["enterprise", "recall", "license"], "listed before the sources after enterprise"
    assert built["recall"].resource_code == "420000-SYJ-ZY-0009"
    assert {name: source.resource_code for name, source in built.items() if name != "recall"} == {
        name: source.resource_code for name, source in SOURCES.items()}
    assert SOURCES["enterprise"].resource_code == "420000-SYJ-ZY-0001"
    assert SOURCES["birth_certificate"].resource_code == "420000-WJW-ZY-0002"


def test_a_catalog_code_another_source_declares_is_refused_naming_both_files(copy):
    (copy / "sources" / "recall.yaml").write_text(RECALL.replace("ZY-0009", "ZY-0006"), encoding="utf-8")
    assert _refusal(copy) == ("registry/sources/recall.yaml: source recall: resource_code: 420000-SYJ-ZY-0006 is"
                              " already source inspection's, in registry/sources/inspection.yaml")


@pytest.mark.parametrize(("code", "message"), [
    ("420000-SYJ-ZY-9", "'420000-SYJ-ZY-9' is not a resource code: 420000-<office>-ZY-<four digits>, e.g."
                        " 420000-SYJ-ZY-0001"),
    ("420000-SYJ-ZT-0009", "'420000-SYJ-ZT-0009' is not a resource code: "),
    ("420000-WJW-ZY-0009", "420000-WJW-ZY-0009 names office WJW, but system approval's owner is office SYJ"),
], ids=["short number", "another layer", "another office"])
def test_a_malformed_catalog_code_is_refused(copy, code, message):
    (copy / "sources" / "recall.yaml").write_text(RECALL.replace("420000-SYJ-ZY-0009", code), encoding="utf-8")
    assert _refusal(copy).startswith(f"registry/sources/recall.yaml: source recall: resource_code: {message}")


def test_a_source_without_a_catalog_code_is_refused(copy):
    _edit(copy, "penalty", "resource_code: 420000-SYJ-ZY-0008\n", "")
    assert _refusal(copy) == "registry/sources/penalty.yaml: source penalty: resource_code: required"


@pytest.mark.parametrize(("source", "old", "new", "message"), [
    ("enterprise", "  name: {chinese: 企业名称, required: true,", "  name: {chinese: 企业名称, requird: true,",
     "registry/sources/enterprise.yaml: source enterprise: columns.name.requird: unknown field; did you mean required?"),
    ("penalty", "rules: [{between: {low: 0}}]}\n  confiscated", "rules: [{betwen: {low: 0}}]}\n  confiscated",
     "registry/sources/penalty.yaml: source penalty: columns.fine_yuan.rules[0]: unknown rule 'betwen'; did you mean"
     " between? (the rules are: uscc, resident_id, hubei_division, not_future, one_of, after, on_or_after, between,"
     " pattern, required_when, birth_date_in, exists_in)"),
    ("inspection", "rules: [not_future]", "rules: [not_in_future]",
     "registry/sources/inspection.yaml: source inspection: columns.inspected_on.rules[0]: unknown rule"
     " 'not_in_future'; did you mean not_future? (the rules are: uscc, resident_id, hubei_division, not_future,"
     " one_of, after, on_or_after, between, pattern, required_when, birth_date_in, exists_in)"),
    ("sampling", "element: failed_items", "element: failed_item",
     "registry/sources/sampling.yaml: source sampling: columns.failed_items.element: unknown element 'failed_item';"),
    ("penalty", "system: enforcement", "system: enforcment",
     "registry/sources/penalty.yaml: source penalty: system: unknown system 'enforcment'; the systems are: approval,"),
    ("license", "{exists_in: {source: enterprise, column: uscc}}", "{exists_in: {source: enterprises, column: uscc}}",
     "registry/sources/license.yaml: source license: columns.uscc.rules[1].exists_in.source: unknown source"
     " 'enterprises'; the sources are: "),
    ("license", "{exists_in: {source: enterprise, column: uscc}}", "{exists_in: {source: enterprise, column: usc}}",
     "registry/sources/license.yaml: source license: columns.uscc.rules[1].exists_in.column: unknown column 'usc';"
     " the columns are: uscc, name,"),
    ("enterprise", "{one_of: [存续, 注销, 吊销]}", "{one_of: [存续, 注销, 停业]}",
     "registry/sources/enterprise.yaml: source enterprise: columns.status.rules[0].one_of: '停业' is missing from"
     " code list enterprise_status version "),
    ("license", "rules: [{after: issued_on}]", "rules: [{after: issue_on}]",
     "registry/sources/license.yaml: source license: columns.valid_until.rules[0].after: unknown column 'issue_on';"),
    ("drug_product", "key: [approval_no]", "key: [approval]",
     "registry/sources/drug_product.yaml: source drug_product: key: unknown column 'approval'; the columns are:"),
    ("enterprise", "  legal_rep: {chinese: 法定代表人, element: legal_representative}\n",
     "  legal_rep: {chinese: 法定代表人, element: legal_representative}\n"
     "  legal_rep: {chinese: 法人, element: legal_representative}\n",
     "registry/sources/enterprise.yaml: not valid YAML: line 11, column 3: 'legal_rep' is declared twice"
     " (first on line 10)"),
], ids=["typo", "unknown rule", "unknown word rule", "unknown element", "unknown system", "unknown source",
        "unknown column elsewhere", "value not in code list", "unknown column here", "unknown key", "column twice"])
def test_a_wrong_source_file_is_refused_in_one_line_naming_file_source_column_and_field(copy, source, old, new,
                                                                                          message):
    _edit(copy, source, old, new)
    assert _refusal(copy).startswith(message)


def test_sources_checking_each_other_in_a_circle_are_refused(copy):
    _edit(copy, "enterprise", "rules: [hubei_division]}", "rules: [hubei_division]}\n"
          "  licence: {chinese: 许可证编号, rules: [{exists_in: {source: license, column: license_no}}]}")
    assert _refusal(copy) == ("registry/sources/enterprise.yaml: source enterprise: columns.licence.rules[0].exists_in"
                              ".source: checks against itself: enterprise → license → enterprise")


def test_a_source_declared_twice_is_refused(copy):
    shutil.copy(copy / "sources" / "penalty.yaml", copy / "sources" / "penalty.yml")
    assert _refusal(copy) == "registry/sources/penalty.yml: source penalty: declared twice: also in" \
                             " registry/sources/penalty.yaml"


def test_a_system_naming_an_unknown_owner_is_refused(copy):
    path = copy / "sources" / "_systems.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("owner: health_commission,", "owner: health,", 1),
                    encoding="utf-8")
    assert _refusal(copy).startswith("registry/sources/_systems.yaml: system immunisation: owner: unknown owner"
                                     " 'health'; the owners are: drug_regulator, health_commission")


def test_a_wrong_source_file_stops_the_command_in_one_line(copy):
    _edit(copy, "penalty", "system: enforcement", "system: enforcment")
    done = subprocess.run([str(Path(sys.executable).parent / "hubei-data"), "contracts", "generate", "--check"],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, project.VARIABLE: str(copy.parent)})
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.splitlines() == [
        "Error: registry/sources/penalty.yaml: source penalty: system: unknown system 'enforcment'; the systems are:"
        " approval, elicence, nmpa, nmpa_province, inspection, sampling, enforcement, immunisation, maternal"
        " (declare a new one in registry/sources/_systems.yaml)"]
