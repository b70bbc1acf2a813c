"""dbt docs show each rule of a column with its parameters, as the committed generated yml holds them."""

from pathlib import Path

import yaml

from hubei_data.transform.codegen import ROOT

MODELS = ROOT / "dbt_project/models"


def _columns(path: Path, model: str) -> dict[str, dict]:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    node = next(node for node in document["models"] if node["name"] == model)
    return {column["name"]: column for column in node["columns"]}


def _meta(column: dict) -> dict:
    return column.get("meta") or column["config"]["meta"]


def _rule(column: dict, name: str) -> dict:
    return next(rule for rule in _meta(column)["rules"] if rule["rule"] == name)


def test_a_pattern_column_shows_its_regular_expression_and_words():
    column = _columns(MODELS / "staging/_staging__models.yml", "stg_drug_product")["approval_no"]
    assert "^国药准字[HZSJBTF]C?[0-9]{8}$" in column["description"]
    assert "optionally followed by C" in column["description"]
    assert _rule(column, "approval_no_format")["parameters"]["regex"] == "^国药准字[HZSJBTF]C?[0-9]{8}$"


def test_a_conditional_pattern_shows_its_condition():
    column = _columns(MODELS / "resource/_resource__models.yml", "res_license")["license_no"]
    conditions = [rule["parameters"]["when"] for rule in _meta(column)["rules"] if rule["rule"] == "license_no_format"]
    assert {"column": "license_type", "equals": "化妆品生产许可证"} in conditions
    assert "when license_type is 化妆品生产许可证" in column["description"]


def test_a_one_of_column_lists_its_values_with_its_code_list_and_version():
    column = _columns(MODELS / "resource/_resource__models.yml", "res_birth_certificate")["sex"]
    accepted = _rule(column, "accepted_values")["parameters"]
    assert accepted == {"values": ["男", "女"], "code_list": "sex", "code_list_version": "2003"}
    assert "one of 男, 女; code list sex version 2003" in column["description"]


def test_exists_in_and_required_when_name_their_target_and_condition():
    uscc = _columns(MODELS / "raw/_raw__models.yml", "raw_license")["uscc"]
    assert _rule(uscc, "enterprise_exists")["parameters"] == {"source": "enterprise", "column": "uscc"}
    assert "names a uscc received in enterprise" in uscc["description"]
    failed = _columns(MODELS / "quarantine/_quarantine__models.yml", "qua_sampling")["failed_items"]
    assert _rule(failed, "required_when")["parameters"] == {"column": "result", "equals": "不合格"}


def test_a_column_names_its_elements_standard():
    column = _columns(MODELS / "staging/_staging__models.yml", "stg_vaccination")["child_id_no"]
    assert _meta(column)["standard"] == "GB 11643-1999 公民身份号码"
    assert "Standard: GB 11643-1999" in column["description"]
    assert _rule(column, "id_check")


def test_share_and_subject_columns_show_their_rules_too():
    share = _columns(MODELS / "share/_share__models.yml", "shr_license_info")
    assert _rule(share["license_type"], "accepted_values")["parameters"]["code_list"] == "license_type"
    assert "药品经营许可证" in share["license_type"]["description"]
    subject = _columns(MODELS / "subject/_subject__models.yml", "sub_enterprise_profile")
    assert "Standard: GB 32100-2015" in subject["uscc"]["description"]
    assert _rule(subject["uscc"], "uscc_check")
