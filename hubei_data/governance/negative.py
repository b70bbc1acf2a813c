"""The negative list (负面清单) enforced: no share model column, data API answer or subscription field may carry an
item it names, as 不予共享 items may not.

An item named as `table.field` is reached by that field of its table and by a share item of the same name and data
element (so an item named where the data comes from, in the resource or subject library, is followed into the share
library without dbt's graph); over the dbt manifest also by a share column of the same name built from its table. An
item named by its data element is reached by every share item of that element."""

from collections.abc import Iterable

from hubei_data.catalog import manifest as m
from hubei_data.catalog.models import Dataset, table_name
from hubei_data.catalog.share import DATASETS, SHARE_DATASETS
from hubei_data.catalog.subject import SUBJECT_MODELS
from hubei_data.contracts import SOURCES
from hubei_data.registry.lists import LISTS, Negative

# Each table's fields with their data element: resource tables from the sources, subject and share from the catalog.
ELEMENTS = {name: {column.name: column.element for column in source.columns} for name, source in SOURCES.items()}
ELEMENTS |= {table_name(model): {item.name: item.element for item in model.items}
             for model in (*SUBJECT_MODELS, *SHARE_DATASETS)}


def _named(code: str, negative: Negative) -> str:
    entry = negative.entries[code]
    return f"negative-list item {code} {entry.name} (registry/{LISTS['negative'].path}): it may not be shared"


def reaching(negative: Negative, dataset: Dataset, field: str) -> list[str]:
    """The codes of the negative-list items a field of a share dataset carries: itself, the same field with the same
    data element upstream, or its data element."""
    element = ELEMENTS[table_name(dataset)].get(field)
    found = []
    for code, entry in negative.entries.items():
        table, _, named = (entry.item or "").partition(".")
        if entry.item is None:
            reached = entry.element == element
        else:
            reached = named == field and (table == table_name(dataset)
                                          or (element is not None and ELEMENTS.get(table, {}).get(named) == element))
        if reached:
            found.append(code)
    return found


def read_breaches(negative: Negative, datasets: Iterable[Dataset], fields: Iterable[str]) -> list[str]:
    """What answering `fields` from the share `datasets` (a data API, a subscription) would give out of the negative
    list, in words naming the field and the item."""
    fields = tuple(fields)
    return [f"{field} is {_named(code, negative)}" for dataset in datasets for field in fields
            if any(item.name == field for item in dataset.items) for code in reaching(negative, dataset, field)]


def manifest_breaches(manifest: dict, negative: Negative) -> list[str]:
    """Every share model column that carries a negative-list item: the item itself, its element, or a column of
    that name in a model it is built from."""
    found = []
    for node in m.models(manifest, "share"):
        ancestors = {manifest["nodes"][key].get("alias") or manifest["nodes"][key]["name"]
                     for key in _ancestors(manifest, node)}
        dataset = DATASETS.get(node["alias"])
        for column in m.data_columns(node):
            name = column["name"]
            codes = reaching(negative, dataset, name) if dataset else []
            for code, entry in negative.entries.items():
                table, _, field = (entry.item or "").partition(".")
                if field == name and table in ancestors and code not in codes:
                    codes.append(code)
            found += [f"{node['name']}.{name}: carries {_named(code, negative)}" for code in codes]
    return found


def _ancestors(manifest: dict, node: dict) -> set[str]:
    seen, waiting = set(), list(node["depends_on"]["nodes"])
    while waiting:
        key = waiting.pop()
        if key in seen or key not in manifest["nodes"]:
            continue
        seen.add(key)
        waiting += manifest["nodes"][key].get("depends_on", {}).get("nodes", [])
    return seen
