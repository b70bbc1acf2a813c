"""API definitions: the shipped ones load; a definition that breaks a rule is refused with its file and reason."""

import shutil

import pytest
import yaml

from hubei_data.api.spec import load_apis
from hubei_data.registry import RegistryError, project_registry
from hubei_data.api.sql_check import SqlRuleError, check_sql

SHARE = {"newborn_vaccination_lookup", "enterprise_basic"}


def test_the_shipped_apis_load_in_every_mode():
    apis = load_apis()
    assert set(apis) == {"enterprise", "license", "metrics", "product", "sampling", "vaccination"}
    assert {a.mode for a in apis.values()} == {"wizard", "sql", "metric"}
    vaccination = apis["vaccination"]
    assert vaccination.personal == {"child_id_no": "id_number", "child_name": "name"}
    assert vaccination.require_any == ("child_id_no", "birth_cert_no")
    assert "%(child_id_no)s" in vaccination.sql and ":child_id_no" not in vaccination.sql
    assert [n for p in apis["sampling"].params for n in p.request_names] == [
        "uscc", "sampled_on_from", "sampled_on_to", "result"]


@pytest.mark.parametrize(("query", "words"), [
    ("select a from share.enterprise_basic; select 1 as b", "one statement only"),
    ("delete from share.enterprise_basic", "a SELECT only"),
    ("update share.enterprise_basic set name = 'x'", "a SELECT only"),
    ("with gone as (delete from share.enterprise_basic returning uscc) select uscc from gone", "read-only"),
    ("select uscc from share.enterprise_basic for update", "read-only"),
    ("select uscc from raw.enterprise", "share tables only"),
    ("select uscc from share.enterprise_basic e join pg_catalog.pg_authid a on true", "share tables only"),
    ("select (select rolpassword from pg_authid limit 1) as p from share.enterprise_basic", "share tables only"),
    ("select uscc from share.enterprise_basic where uscc = $1", "named parameters"),
    ("select uscc from share.enterprise_basic where uscc = %s", "named parameters"),
    ("select uscc from share.enterprise_basic where uscc = :other", "differ from those declared"),
    ("select * from share.enterprise_basic where uscc = :uscc", "no *"),
    ("select pg_sleep(10) as s, uscc from share.enterprise_basic where uscc = :uscc", "functions not allowed"),
    ("select set_config('role', 'postgres', false) as s from share.enterprise_basic where uscc = :uscc", "functions not allowed"),
    ("select uscc, uscc from share.enterprise_basic where uscc = :uscc", "distinct name"),
    ("selec uscc frm", "not valid SQL"),
])
def test_sql_mode_rules(query, words):
    with pytest.raises(SqlRuleError, match=words):
        check_sql(query, {"uscc"} if ":uscc" in query else set(), SHARE)


def test_a_checked_query_keeps_literal_percent_signs():
    checked = check_sql("select uscc from share.enterprise_basic where name like '武汉%' and uscc = :uscc", {"uscc"}, SHARE)
    assert "'武汉%%'" in checked.text and "%(uscc)s" in checked.text and checked.columns == ("uscc",)


WIZARD = {"name": "x", "title": "X", "mode": "wizard", "dataset": "enterprise_basic",
          "params": [{"name": "uscc", "field": "uscc"}], "fields": ["uscc", "name"]}


@pytest.mark.parametrize(("change", "words"), [
    ({"dataset": "enterprise"}, "not a share dataset"),
    ({"params": [{"name": "uscc", "field": "mother"}]}, "field 'mother' is not in enterprise_basic"),
    ({"params": [{"name": "uscc", "field": "uscc", "op": "like"}]}, "op: must be 'equals', 'range', 'prefix' or 'in'"),
    ({"params": [{"name": "since", "field": "established_on", "op": "prefix"}]}, "prefix needs a text field"),
    ({"params": [{"name": "page", "field": "uscc"}]}, "other than page"),
    ({"fields": ["uscc", "secret"]}, "fields not in enterprise_basic: secret"),
    ({"page_size": {"default": 500, "max": 100}}, "page_size"),
    ({"mode": "free"}, "mode: 'free' is not one of wizard, sql, metric"),
    ({"mode": "metric"}, "dataset: unknown field"),
    ({"shape": "round"}, "shape: unknown field"),
    ({"name": "Bad-Name"}, "lowercase"),
    ({"require_any": ["nothing"]}, "require_any"),
    ({"mode": "sql", "sql": "drop table share.enterprise_basic", "params": [{"name": "uscc", "type": "string"}]},
     "sql: a SELECT only"),
    ({"mode": "sql", "sql": "select uscc from share.enterprise_basic where uscc = :uscc",
      "params": [{"name": "uscc", "type": "uuid"}]}, "type: must be 'string', 'integer'"),
])
def test_a_broken_wizard_or_sql_definition_is_refused_at_load(tmp_path, change, words):
    root = shutil.copytree(project_registry(), tmp_path / "registry")
    document = {**WIZARD, **change}
    if document["mode"] == "sql":
        del document["dataset"], document["fields"]
    (root / "apis" / "x.yaml").write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    with pytest.raises(RegistryError, match=words) as raised:
        load_apis(root)
    assert str(raised.value).startswith(f"registry/apis/x.yaml: API {document['name']}: ")


def test_two_definitions_of_one_name_are_refused(tmp_path):
    root = shutil.copytree(project_registry(), tmp_path / "registry")
    for file in ("a.yaml", "b.yaml"):
        (root / "apis" / file).write_text("name: x\ntitle: X\nmode: wizard\ndataset: enterprise_basic\n"
                                          "params: [{name: uscc, field: uscc}]\nfields: [uscc]\n", encoding="utf-8")
    with pytest.raises(RegistryError, match="already declared"):
        load_apis(root)
