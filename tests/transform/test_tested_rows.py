"""A build's dbt tests check the rows it wrote; the unique index on each key holds the rest of the table.

Scoping `unique` tests to one build's rows is sound only where the table itself refuses a duplicate
key, so every model whose tests are scoped has a unique index on each column set a unique test names.
"""

import json

from hubei_data.transform.manifest import ensure_manifest

UNIQUE_TESTS = ("unique", "unique_combination")


def _scoped_models(manifest: dict) -> dict[str, dict]:
    return {uid: node for uid, node in manifest["nodes"].items()
            if node["resource_type"] == "model" and node["config"]["meta"].get("tested_rows")}


def test_every_key_a_scoped_model_tests_as_unique_has_a_unique_index():
    manifest = json.loads(ensure_manifest().read_text(encoding="utf-8"))
    scoped = _scoped_models(manifest)
    checked = 0
    for test in manifest["nodes"].values():
        metadata = test.get("test_metadata") or {}
        if test["resource_type"] != "test" or metadata.get("name") not in UNIQUE_TESTS:
            continue
        for model in (uid for uid in test["depends_on"]["nodes"] if uid in scoped):
            kwargs = metadata["kwargs"]
            columns = set(kwargs.get("columns") or [kwargs["column_name"]])
            indexes = [set(index["columns"]) for index in scoped[model]["config"].get("indexes") or []
                       if index.get("unique")]
            assert columns in indexes, f"{model}: {sorted(columns)} is tested unique without a unique index"
            checked += 1
    assert checked >= 20


def test_subject_share_and_batch_merged_resource_tables_are_scoped():
    scoped = _scoped_models(json.loads(ensure_manifest().read_text(encoding="utf-8")))
    kinds = {node["name"]: node["config"]["meta"]["tested_rows"] for node in scoped.values()}
    assert kinds["sub_child_immunisation_profile"] == kinds["shr_newborn_vaccination"] == "sync"
    assert kinds["res_vaccination"] == "taken_batches"
    # licences' resource table is rebuilt whole every build, so each build tests all of it
    assert "res_license" not in kinds
