"""挂接: each catalog entry hangs on a warehouse table or a data API, and its data items on their columns."""

from dataclasses import dataclass

import psycopg

from hubei_data.catalog.entry import Entry, EntryError
from hubei_data.contracts import SOURCES


@dataclass(frozen=True)
class Gaps:
    """What keeps an entry from being hung on its table or API: items without a column, columns without an item."""

    entry: Entry
    items_without_column: list[str]
    columns_without_item: list[str]

    def __bool__(self) -> bool:
        return bool(self.items_without_column or self.columns_without_item)

    def lines(self) -> list[str]:
        entry = self.entry
        return ([f"{entry.code}: data item {field} has no column in {entry.target}"
                 for field in self.items_without_column]
                + [f"{entry.code}: {entry.target}.{column} has no published data item"
                   for column in self.columns_without_item])


def columns(conn: psycopg.Connection, entry: Entry, before_built: bool = False) -> list[str]:
    """The business columns or response fields behind an entry (platform columns, starting `_`, are no items);
    `before_built`: a source's resource table not built yet has the columns of its contract."""
    if entry.kind == "api":
        from hubei_data.api.spec import METRIC_FIELDS, load_apis

        apis = load_apis()
        if entry.target not in apis:
            raise EntryError(f"{entry.code}: there is no data API {entry.target!r} (the APIs: {', '.join(apis)})")
        return list(apis[entry.target].fields or METRIC_FIELDS)
    schema, _, table = entry.target.partition(".")
    found = [name for (name,) in conn.execute(
        "select column_name from information_schema.columns where table_schema = %s and table_name = %s"
        " order by ordinal_position", (schema, table))]
    if not found and before_built and schema == "resource" and table in SOURCES:
        return [column.name for column in SOURCES[table].columns]
    if not found:
        raise EntryError(f"{entry.code}: there is no table {entry.target} in the warehouse")
    return [name for name in found if not name.startswith("_")]


def require_linked(conn: psycopg.Connection, entry: Entry) -> None:
    """Refuse an entry with a data item naming no column or field of what it hangs on; a new source's resource
    table may be registered and reviewed before its first data is built."""
    behind = columns(conn, entry, before_built=True)
    unknown = [item.field for item in entry.items if item.field not in behind]
    if unknown:
        raise EntryError(f"{entry.code}: data item {', '.join(unknown)} names no column of {entry.target}"
                         f" (its columns: {', '.join(behind)})")


def gaps(conn: psycopg.Connection, entry: Entry) -> Gaps:
    """The entry's items without a column (or field) behind them and the columns without an item; an EntryError
    when what it hangs on is not there at all."""
    behind = columns(conn, entry)
    listed = [item.field for item in entry.items]
    return Gaps(entry, [field for field in listed if field not in behind],
                [column for column in behind if column not in listed])


def problems(conn: psycopg.Connection, entries: list[Entry]) -> list[str]:
    """Every published item without a column behind it and every column without a published item, named."""
    found = []
    for entry in entries:
        try:
            found += gaps(conn, entry).lines()
        except EntryError as error:
            found.append(str(error))
    return found
