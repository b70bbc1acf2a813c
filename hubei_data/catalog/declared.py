"""The catalog entries the code declares: every resource, subject and share table and every data API.

Share datasets carry their own catalog entry; the resource library follows the source contracts, the
subject library its models, and an API the share items it answers with. These are the first published
versions (migration 0009) and what `hubei-data catalog show --declared` offers to register.
"""

import re

from hubei_data.catalog.entry import DataItem, Entry
from hubei_data.catalog.items import CONDITIONAL, DATE, NO_MASKING, NOT_SHARED, POSTGRES_TYPES, Item, standard_of
from hubei_data.catalog.models import Dataset, Model, table_name
from hubei_data.catalog.share import SHARE_DATASETS
from hubei_data.catalog.subject import SUBJECT_MODELS
from hubei_data.contracts import SOURCES
from hubei_data.contracts.sources import DECLARED

INTERNAL = "内部加工库，不直接共享：经共享库数据集或数据接口按共享清单提供"
DAILY = "每日"
# Each provider's office code in a resource code (420000-SYJ-…; the layers numbered here follow: 主体 ZT, 接口 JK; a
# source declares its resource table's code, 资源 ZY, in registry/sources/), and the provider a source's owner is,
# by the owner's name as a source carries it.
OFFICES = {owner.full_name: owner.office for owner in DECLARED.owners.values()}
PROVIDERS = {owner.chinese: owner.full_name for owner in DECLARED.owners.values()}
# Who provides what no share dataset answers for: the metric APIs.
REGULATOR = DECLARED.owners["drug_regulator"].full_name
# What a metric API answers (hubei_data.api.spec.METRIC_FIELDS): computed values, never records.
METRIC_ITEMS = {field: DataItem(field=field, name=name, data_type=data_type, standard=standard,
                                share_type=CONDITIONAL, masking=NO_MASKING)
                for field, name, data_type, standard in (
                    ("metric_code", "指标编码", "text", "指标体系编码（registry/metrics/）"),
                    ("period_start", "统计期开始日期", "date", DATE),
                    ("period_end", "统计期结束日期", "date", DATE),
                    ("dims", "统计维度取值", "text", "JSON 对象：维度 → 取值"),
                    ("value", "指标值", "numeric", "数值"))}


def declared_entries() -> dict[str, Entry]:
    """Every entry the code declares, by resource code."""
    entries = [*map(_dataset, SHARE_DATASETS), *_numbered(_subject, SUBJECT_MODELS, "ZT"),
               *map(_resource, SOURCES.values()), *_numbered(_api, _apis(), "JK")]
    return {entry.code: entry for entry in entries}


def item_of(item: Item) -> DataItem:
    """A declared subject or share item as a data item of the catalog."""
    return DataItem(field=item.name, name=item.chinese, data_type=item.data_type, length=item.length,
                    standard=item.standard, share_type=item.share_type, masking=item.masking_words)


def _numbered(make, things, layer: str) -> list[Entry]:
    made, counts = [], {}
    for thing in things:
        draft = make(thing, "")
        counts[draft.provider] = counts.get(draft.provider, 0) + 1
        made.append(draft.model_copy(update={
            "code": f"420000-{OFFICES[draft.provider]}-{layer}-{counts[draft.provider]:04d}"}))
    return made


def _dataset(dataset: Dataset) -> Entry:
    return Entry(
        code=dataset.resource_code, name=dataset.chinese, summary=dataset.summary, provider=dataset.provider,
        category=dataset.category, share_type=dataset.share_type, share_conditions=dataset.conditions,
        consumers=dataset.consumers, share_method=dataset.method, update_frequency=dataset.update_frequency,
        kind="table", target=f"share.{table_name(dataset)}", items=tuple(map(item_of, dataset.items)),
    )


def _internal(code: str, name: str, summary: str, provider: str, category: str, target: str, items) -> Entry:
    return Entry(code=code or "-", name=name, summary=summary, provider=provider, category=category,
                 share_type=NOT_SHARED, share_conditions=INTERNAL, consumers="平台内部", share_method="不直接共享",
                 update_frequency=DAILY, kind="table", target=target, items=tuple(items))


def _subject(model: Model, code: str) -> Entry:
    return _internal(code, model.chinese, model.description, model.provider, "主体库", f"subject.{table_name(model)}",
                     map(item_of, model.items))


def _resource(source) -> Entry:
    """A source's resource-library table, under the catalog code its declaration carries."""
    items = (DataItem(field=column.name, name=column.chinese, data_type=POSTGRES_TYPES[column.type],
                      length=column.length, standard=standard_of(column), share_type=NOT_SHARED, masking=NO_MASKING)
             for column in source.columns)
    summary = f"{source.system}的{source.chinese}：通过质量规则的记录，每个业务主键的最新版本。"
    return _internal(source.resource_code, f"{source.chinese}（资源库）", summary, PROVIDERS[source.owner], "资源库",
                     f"resource.{source.name}", items)


def _apis() -> list:
    from hubei_data.api.spec import load_apis

    return list(load_apis().values())


def datasets_read(spec) -> list[Dataset]:
    """The share datasets a data API answers from: its wizard dataset, or those its SQL names."""
    return [spec.dataset] if spec.dataset else [
        dataset for dataset in SHARE_DATASETS if re.search(rf"share\.{table_name(dataset)}\b", spec.sql)]


def _api(spec, code: str) -> Entry:
    read = datasets_read(spec)
    dataset = read[0] if read else None
    share_type = dataset.share_type if dataset else CONDITIONAL
    # An answer's field is the item of the table it reads, else any declared item of that name; a field the
    # query makes itself (an alias) is listed by its name for the steward to describe.
    known = {item.name: item for model in (*SUBJECT_MODELS, *SHARE_DATASETS) for item in model.items}
    known |= {item.name: item for source in reversed(read) for item in source.items}
    items = tuple(item_of(known[field]) if field in known else METRIC_ITEMS.get(field) or DataItem(
        field=field, name=field, data_type="text", share_type=share_type, masking=NO_MASKING)
        for field in spec.fields or METRIC_ITEMS)
    return Entry(
        code=code or "-", name=spec.title, summary=spec.description,
        provider=dataset.provider if dataset else REGULATOR,
        category=dataset.category if dataset else "指标体系", share_type=share_type,
        share_conditions="经审批的数据接口授权访问（签名认证、按授权范围和脱敏规则、调用审计）",
        consumers=dataset.consumers if dataset else "经授权的接入应用", share_method="数据接口",
        update_frequency=dataset.update_frequency if dataset else DAILY, kind="api", target=spec.name, items=items,
    )
