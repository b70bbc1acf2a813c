"""The subject and share folders' dbt yml, written from the catalog declarations.

The yml is what dbt docs shows as the catalog, and its enforced contracts make every
table hold exactly the declared columns, so what the catalog lists is what is shared.
"""

from hubei_data import registry
from hubei_data.catalog.items import MASKING, Item
from hubei_data.catalog.models import Dataset, Model
from hubei_data.catalog.share import SHARE_DATASETS
from hubei_data.catalog.subject import SUBJECT_MODELS
from hubei_data.contracts.model import HubeiDivision, OneOf
from hubei_data.registry import Registry
from hubei_data.transform import data_tests
from hubei_data.transform.rule_docs import documented

RECORD_LINEAGE = (
    Item("_batch_id", "来源批次号", "bigint", "平台批次号", description="The landing batch the row came in.", required=True),
    Item("_row_number", "来源行号", "integer", "整数", description="The row's number in that batch.", required=True),
)
SYNC_COLUMNS = (
    Item("_row_hash", "行内容摘要", "text", "MD5", description="Digest of the business columns: what tells a change.", required=True),
    Item("_first_sync_id", "首次同步编号", "text", "Dagster 运行编号", description="The build that first wrote the row.", required=True),
    Item("_sync_id", "最近同步编号", "text", "Dagster 运行编号", description="The build that last wrote the row.", required=True),
    Item("_synced_at", "最近同步时间", "timestamp with time zone", "GB/T 7408 日期时间", description="When that build wrote it.", required=True),
)


def _column(item: Item, model: Model, declared: Registry) -> dict:
    accepted = (OneOf(item.accepted),) if item.accepted else ()
    rules = documented((*item.rules, *accepted), item.required or item.name in model.key, item.element, declared)
    meta = {
        "chinese": item.chinese,
        "standard": item.standard,
        "share_type": item.share_type,
        "masking": item.masking_words,
        "rules": rules.rules,
    }
    if item.personal:
        meta["personal"] = item.personal
    if item.masking:
        meta["masking_rule"] = item.masking
    named = f"{item.chinese}：{item.description}" if item.description else item.chinese
    column = {
        "name": item.name,
        "description": " — ".join(filter(None, (named, rules.sentence))),
        "data_type": item.data_type,
        "config": {"meta": meta},
    }
    tests = _tests(item, model)
    if tests:
        column["data_tests"] = tests
    return column


def _tests(item: Item, model: Model) -> list:
    tests: list = []
    if item.required or item.name in model.key:
        tests.append(data_tests.not_null(item.name))
    if model.key == (item.name,):
        tests.append(data_tests.unique(item.name))
    if item.accepted:
        tests.append(data_tests.accepted_values(item.name, item.accepted))
    targets = [item.references] if item.references else []
    if any(isinstance(rule, HubeiDivision) for rule in item.rules):
        targets.append(("hubei_divisions", "division_code"))
    for target, field in targets:
        tests.append(data_tests.relationships(item.name, target, field, name_model=len(targets) > 1))
    if item.masking and not item.masked_on_delivery:
        tests.append(data_tests.masked(item.name, item.masking, MASKING[item.masking]))
    return tests


def _catalog_entry(model: Model) -> dict:
    meta = {"chinese": model.chinese, "key": list(model.key)}
    if isinstance(model, Dataset):
        meta.update({
            "resource_code": model.resource_code,
            "resource_name": model.chinese,
            "summary": model.summary,
            "provider": model.provider,
            "category": model.category,
            "share_type": model.share_type,
            "share_conditions": model.conditions,
            "consumers": model.consumers,
            "share_method": model.method,
            "update_frequency": model.update_frequency,
        })
    return meta


def model_doc(model: Model, declared: Registry | None = None) -> dict:
    """A subject or share model's yml; `declared` is the registry its columns' standards and code lists come from."""
    declared = declared or registry.load()
    lineage = RECORD_LINEAGE if isinstance(model, Dataset) and model.record_level else ()
    doc = {
        "name": model.name,
        "description": f"{model.chinese}: {model.description}",
        "config": {"contract": {"enforced": True}, "meta": _catalog_entry(model)},
        "columns": [_column(i, model, declared) for i in (*model.items, *lineage, *SYNC_COLUMNS)],
    }
    if len(model.key) > 1:
        doc["data_tests"] = [data_tests.unique_combination(model.key)]
    return doc


def folder_yml() -> dict[str, dict]:
    """The yml document of each folder, by path relative to the dbt project."""
    declared = registry.load()
    return {
        "models/subject/_subject__models.yml": {
            "version": 2, "models": [model_doc(m, declared) for m in SUBJECT_MODELS]},
        "models/share/_share__models.yml": {"version": 2, "models": [model_doc(d, declared) for d in SHARE_DATASETS]},
    }

