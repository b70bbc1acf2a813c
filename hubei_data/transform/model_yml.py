"""The yml of the generated layers: landing sources, and the raw, staging, resource and
quarantine models with their descriptions, Chinese names, rules and dbt tests."""

from hubei_data import registry
from hubei_data.contracts import SOURCES, Source
from hubei_data.contracts.model import OneOf
from hubei_data.registry import Registry
from hubei_data.transform import data_tests
from hubei_data.transform.rule_docs import documented


def _column_doc(source: Source, name: str, declared: Registry) -> dict:
    """A column as dbt docs show it: Chinese name, data standard and every rule with its parameters."""
    column = source.column(name)
    rules = documented(column.rules, column.required, column.element, declared)
    meta = {"chinese": column.chinese, "type": column.type, "element": column.element, "rules": rules.rules}
    if rules.standard:
        meta["standard"] = rules.standard
    return {"name": name, "description": " — ".join(filter(None, (column.chinese, rules.sentence))), "meta": meta}


LINEAGE_DOCS = [
    {"name": "_extra", "description": "Columns received that the contract does not name, kept as sent (JSON)."},
    {"name": "_defect", "description": "What was wrong with the row's shape in the file, if anything."},
    {"name": "_batch_id", "description": "The batch (file or extract window) the row arrived in; see raw.batches."},
    {"name": "_row_number", "description": "Row in the file (header = 1) or position in the extract."},
]

LAYERS = {
    "raw": ("raw", "原始库: every row of {name} ({chinese}) ever received, exactly as sent, append-only."),
    "staging": ("stg", "{chinese}: standardised (NFKC, trimmed, codes upper-cased), typed, every rule checked."),
    "resource": ("res", "资源库: {chinese}, clean rows only, latest version per business key."),
    "quarantine": (
        "qua", "{chinese}: rows that break a rule of the interface (docs/sources.md), with every rule they break."
    ),
}


def sources_yml() -> dict:
    declared = registry.load()
    tables = [
        {
            "name": s.name,
            "description": f"{s.chinese} ({s.owner} {s.system}): the batches just received, values as sent.",
            "meta": {"chinese": s.chinese, "owner": s.owner, "system": s.system, "channel": s.channel,
                     "key": list(s.key)},
            "columns": [_column_doc(s, c, declared) for c in s.column_names] + LINEAGE_DOCS,
        }
        for s in SOURCES.values()
    ]
    tables.append({"name": "batches", "description": "Every file and extract window received: loaded or rejected, and why."})
    return {"version": 2, "sources": [{"name": "landing", "schema": "landing", "tables": tables}]}


def layer_yml(layer: str) -> dict:
    prefix, template = LAYERS[layer]
    declared = registry.load()
    models = [_model_doc(layer, prefix, template, s, declared) for s in SOURCES.values()]
    if layer == "raw":
        models.append({
            "name": "raw_batches",
            "description": "原始库 batch log: every file and extract window received, loaded or rejected.",
            "columns": [
                {"name": "batch_id", "data_tests": [data_tests.unique("batch_id"), data_tests.not_null("batch_id")]}
            ],
        })
    if layer == "quarantine":
        models.append({
            "name": "qua_issues",
            "description": "One row per rule a received row breaks: source, business key, rule, detail, file and row.",
            "columns": [
                {"name": n, "data_tests": [data_tests.not_null(n)]} for n in ("source", "rule", "detail", "batch_id")
            ],
        })
    return {"version": 2, "models": models}


def _model_doc(layer: str, prefix: str, template: str, source: Source, declared: Registry) -> dict:
    doc = {
        "name": f"{prefix}_{source.name}",
        "description": template.format(name=source.name, chinese=source.chinese),
        "meta": {"source": source.name, "key": list(source.key)},
        "columns": [_column_doc(source, c, declared) for c in source.column_names],
    }
    if layer == "resource":
        _add_resource_tests(source, doc)
    return doc


def _add_resource_tests(source: Source, doc: dict) -> None:
    by_name = {c["name"]: c for c in doc["columns"]}
    for column in source.columns:
        tests = []
        if column.required:
            tests.append(data_tests.not_null(column.name))
        for rule in column.rules:
            if isinstance(rule, OneOf):
                tests.append(data_tests.accepted_values(column.name, rule.values))
        if source.key == (column.name,):
            tests.append(data_tests.unique(column.name))
        if tests:
            by_name[column.name]["data_tests"] = tests
    if len(source.key) > 1:
        doc["data_tests"] = [data_tests.unique_combination(source.key)]
