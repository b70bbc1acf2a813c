"""A few rows of the table behind a catalog entry, as the person reading the catalog may see them.

Whoever may query the libraries (query.run) sees the values as stored: hiding them here would protect nothing.
Anyone else sees what a data API consumer without a grant for personal fields would: a personal item through the
same std.mask_* function the API applies, and an item that is not shared unconditionally (无条件共享, of both the
entry and the item) not read at all.
"""

from dataclasses import dataclass

import psycopg
from psycopg import sql

from hubei_data.api.query import MASKS
from hubei_data.catalog.entry import DataItem, Entry
from hubei_data.catalog.items import MASKING, UNCONDITIONAL

WHOLE, MASKED, WITHHELD = "whole", "masked", "withheld"


@dataclass(frozen=True)
class Sample:
    """The rows, one value per item (None where withheld), and how each item was treated."""

    items: tuple[DataItem, ...]
    treatment: dict[str, str]
    rows: list[tuple]


def masking_kind(item: DataItem) -> str | None:
    """The kind of personal data an item's masking rule is for (a key of MASKING), if it names one."""
    return next((kind for kind, words in MASKING.items() if words in item.masking), None)


def treatment(entry: Entry, item: DataItem, whole: bool) -> str:
    if whole:
        return WHOLE
    if entry.share_type != UNCONDITIONAL or item.share_type != UNCONDITIONAL:
        return WITHHELD
    return MASKED if masking_kind(item) else WHOLE


def read(conn: psycopg.Connection, entry: Entry, table: str, whole: bool, limit: int) -> Sample | None:
    """Up to `limit` rows of `schema.table` for the entry's items it holds; None when the table is not built."""
    schema, name = table.split(".")
    held = {column for (column,) in conn.execute(
        "select column_name from information_schema.columns where table_schema = %s and table_name = %s",
        (schema, name))}
    if not held:
        return None
    items = tuple(item for item in entry.items if item.field in held)
    treated = {item.field: treatment(entry, item, whole) for item in items}
    shown = [item for item in items if treated[item.field] != WITHHELD]
    if not shown:
        return Sample(items, treated, [])
    select = sql.SQL(", ").join(_value(item, treated[item.field]) for item in shown)
    rows = conn.execute(sql.SQL("select {} from {} limit %s").format(select, sql.Identifier(schema, name)),
                        (limit,)).fetchall()
    positions = {item.field: index for index, item in enumerate(shown)}
    return Sample(items, treated, [tuple(row[positions[item.field]] if item.field in positions else None
                                         for item in items) for row in rows])


def _value(item: DataItem, how: str) -> sql.Composable:
    column = sql.Identifier(item.field)
    if how == MASKED:
        return sql.SQL("std.{}({}::text)").format(sql.Identifier(MASKS[masking_kind(item)]), column)
    return column
