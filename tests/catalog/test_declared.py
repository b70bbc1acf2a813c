"""The entries the code declares, as migration 0009 publishes them: each hangs on a table dbt builds or an API
that answers, item for column, so a fresh catalog passes its 挂接 check."""

from hubei_data.api.spec import load_apis
from hubei_data.catalog import manifest as m
from hubei_data.catalog.declared import declared_entries
from hubei_data.catalog.items import FORMATS, NOT_SHARED, TEXT, USCC, standard_of
from hubei_data.catalog.share import SHARE_DATASETS
from hubei_data.contracts import SOURCES, Column


def _built_columns() -> dict[str, list[str]]:
    return {f"{node['schema']}.{node['alias']}": [column["name"] for column in m.data_columns(node)]
            for node in m.load()["nodes"].values() if node["resource_type"] == "model"}


def test_every_table_entry_lists_the_columns_dbt_builds_in_their_order():
    built = _built_columns()
    tables = [entry for entry in declared_entries().values() if entry.kind == "table"]
    assert {entry.target for entry in tables} == {
        *(f"resource.{name}" for name in SOURCES), *(t for t in built if t.startswith(("subject.", "share.")))}
    assert {entry.target: [item.field for item in entry.items] for entry in tables} == {
        entry.target: built[entry.target] for entry in tables}


def test_every_api_entry_lists_the_fields_the_api_answers_with():
    from hubei_data.api.spec import METRIC_FIELDS

    apis = {entry.target: [item.field for item in entry.items]
            for entry in declared_entries().values() if entry.kind == "api"}
    assert apis == {name: list(spec.fields or METRIC_FIELDS) for name, spec in load_apis().items()}


def test_codes_are_unique_and_share_datasets_keep_the_codes_they_were_listed_under():
    entries = declared_entries()
    assert len(entries) == len(SOURCES) + 4 + len(SHARE_DATASETS) + len(load_apis())
    assert {dataset.resource_code for dataset in SHARE_DATASETS} <= set(entries)


def test_the_internal_libraries_are_not_shared_directly_and_an_api_masks_as_its_grant_says():
    entries = declared_entries()
    assert {e.share_type for e in entries.values() if e.target.startswith(("resource.", "subject."))} == {NOT_SHARED}
    vaccination = next(e for e in entries.values() if e.kind == "api" and e.target == "vaccination")
    assert next(i for i in vaccination.items if i.field == "child_id_no").masking.startswith("数据接口按授权脱敏")


def test_a_column_without_rules_yet_follows_the_standard_its_data_element_checks_or_formats_by():
    # As `metadata register` writes a harvested table's columns: their elements named, their rules still to come.
    assert standard_of(Column("uscc", "uscc", element="uscc")) == USCC
    assert standard_of(Column("approval_no", "approval_no", element="approval_no")) == FORMATS["approval_no"]
    assert standard_of(Column("name", "企业名称", element="enterprise_name")) == TEXT
