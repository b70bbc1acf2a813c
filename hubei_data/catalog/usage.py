"""Where a data element (数据元) is used: the source columns that declare it, the subject and share items taken from
them, and the published catalog entries listing those items."""

from dataclasses import dataclass
from functools import cache

from hubei_data.catalog.entry import Entry
from hubei_data.catalog.models import table_name
from hubei_data.catalog.share import SHARE_DATASETS
from hubei_data.catalog.subject import SUBJECT_MODELS
from hubei_data.contracts import SOURCES


@dataclass(frozen=True)
class Usage:
    """`columns` are `source.column`; `items` are `schema.table.field` of the subject and share libraries;
    `entries` are (resource code, entry name, field) of the published catalog."""

    columns: tuple[str, ...]
    items: tuple[str, ...]
    entries: tuple[tuple[str, str, str], ...]


def source_columns(element: str) -> list[str]:
    """The source columns declaring the element, as `source.column`."""
    return [f"{source.name}.{column.name}" for source in SOURCES.values() for column in source.columns
            if column.element == element]


@cache
def _elements() -> dict[tuple[str, str], str]:
    """The element of each column of the libraries that has one, by (`schema.table`, column)."""
    found = {(f"resource.{source.name}", column.name): column.element
             for source in SOURCES.values() for column in source.columns if column.element}
    for schema, models in (("subject", SUBJECT_MODELS), ("share", SHARE_DATASETS)):
        found |= {(f"{schema}.{table_name(model)}", item.name): item.element
                  for model in models for item in model.items if item.element}
    return found


def item_elements(tables: list[str]) -> dict[str, str]:
    """The element of each column of these tables (`schema.table`) that has one, by column."""
    return {field: element for (table, field), element in _elements().items() if table in tables}


def element_usage(element: str, published: list[Entry], tables_behind) -> Usage:
    """Where the element is used; `tables_behind(entry)` names the tables an entry's data comes from."""
    using = {place for place, named in _elements().items() if named == element}
    entries = tuple((entry.code, entry.name, item.field) for entry in published for item in entry.items
                    if any((table, item.field) in using for table in tables_behind(entry)))
    items = sorted(f"{table}.{field}" for table, field in using if not table.startswith("resource."))
    return Usage(tuple(source_columns(element)), tuple(items), entries)
