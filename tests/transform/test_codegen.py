"""The generated dbt models stay equal to the contracts, and say what the contracts say."""

import yaml

from hubei_data.contracts import SOURCES
from hubei_data.transform import codegen


def test_committed_models_equal_what_the_contracts_generate():
    assert codegen.stale() == [], "run `hubei-data contracts generate` and commit the result"


def test_every_rule_of_a_source_appears_in_its_staging_model():
    files = codegen.generate()
    for source in SOURCES.values():
        sql = files[f"models/staging/stg_{source.name}.sql"]
        for column in source.columns:
            for rule in column.rules:
                assert f"'rule', '{rule.name}', 'column', '{column.name}'" in sql
            if column.required:
                assert f"'rule', 'required', 'column', '{column.name}'" in sql
        assert "'rule', 'unique'" in sql


def test_source_docs_carry_chinese_names_and_rules():
    sources = yaml.safe_load(codegen.generate()["models/raw/_raw__sources.yml"])["sources"][0]
    tables = {t["name"]: t for t in sources["tables"]}
    uscc = next(c for c in tables["enterprise"]["columns"] if c["name"] == "uscc")
    assert uscc["meta"] == {"chinese": "统一社会信用代码", "type": "text", "rules": ["required", "uscc_check"]}
    assert set(tables) == set(SOURCES) | {"batches"}
