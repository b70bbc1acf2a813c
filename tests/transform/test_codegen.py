"""The generated dbt models stay equal to the contracts, and say what the contracts say."""

import yaml

from hubei_data.contracts import SOURCES
from hubei_data.transform import codegen
from tests.people import invoke


def test_committed_models_equal_what_the_contracts_generate():
    assert codegen.stale() == [], "run `hubei-data contracts generate` and commit the result"


def test_a_changed_generated_file_is_reported_stale_and_rewritten(tmp_path):
    assert set(codegen.write(tmp_path)) == set(codegen.generate())
    edited = tmp_path / "dbt_project/models/staging/stg_enterprise.sql"
    edited.write_text(edited.read_text(encoding="utf-8") + "-- edited by hand\n", encoding="utf-8")
    (tmp_path / "docs/sources.md").unlink()
    assert sorted(codegen.stale(tmp_path)) == ["dbt_project/models/staging/stg_enterprise.sql", "docs/sources.md"]
    assert sorted(codegen.write(tmp_path)) == ["dbt_project/models/staging/stg_enterprise.sql", "docs/sources.md"]
    assert codegen.stale(tmp_path) == []


def test_every_rule_of_a_source_appears_in_its_staging_model():
    files = codegen.generate()
    for source in SOURCES.values():
        sql = files[f"dbt_project/models/staging/stg_{source.name}.sql"]
        for column in source.columns:
            for rule in column.rules:
                assert f"'rule', '{rule.name}', 'column', '{column.name}'" in sql
            if column.required:
                assert f"'rule', 'required', 'column', '{column.name}'" in sql
        assert "'rule', 'unique'" in sql


def test_source_docs_carry_chinese_names_and_rules():
    sources = yaml.safe_load(codegen.generate()["dbt_project/models/raw/_raw__sources.yml"])["sources"][0]
    tables = {t["name"]: t for t in sources["tables"]}
    uscc = next(c for c in tables["enterprise"]["columns"] if c["name"] == "uscc")
    assert (uscc["meta"]["chinese"], uscc["meta"]["type"]) == ("统一社会信用代码", "text")
    assert [rule["rule"] for rule in uscc["meta"]["rules"]] == ["required", "uscc_check"]
    assert set(tables) == set(SOURCES) | {"batches"}


def test_check_ends_with_one_line_naming_what_to_run(warehouse, tmp_path, monkeypatch):
    codegen.write(tmp_path)
    (tmp_path / "docs/sources.md").unlink()
    stale_in_tmp = codegen.stale
    monkeypatch.setattr(codegen, "stale", lambda: stale_in_tmp(tmp_path))
    result = invoke(["contracts", "generate", "--check"])
    assert result.exit_code == 1
    assert "out of date: docs/sources.md" in result.stdout
    assert result.stderr.strip().splitlines()[-1] == (
        "Error: 1 generated files differ: run `hubei-data contracts generate`")
