"""What changed between two metadata versions: tables and columns added or removed, retyped, resized, nullability."""

from dataclasses import dataclass

from hubei_data.metadata.model import ColumnMeta, TableMeta


@dataclass(frozen=True)
class Change:
    """One difference: `kind` is table_added, table_removed, column_added, column_removed, retyped, lengthened,
    shortened, nullability or primary_key; `before` and `after` say it as the system's types do."""

    table: str
    column: str | None
    kind: str
    before: str | None
    after: str | None


def diff(before: list[TableMeta], after: list[TableMeta]) -> list[Change]:
    """Every change from one version's tables to another's, table by table in name order."""
    old = {t.qualified: t for t in before}
    new = {t.qualified: t for t in after}
    changes = []
    for name in sorted(old.keys() | new.keys()):
        if name not in new:
            changes.append(Change(name, None, "table_removed", _columns(old[name]), None))
        elif name not in old:
            changes.append(Change(name, None, "table_added", None, _columns(new[name])))
        else:
            changes += _table_changes(old[name], new[name])
    return changes


def _columns(table: TableMeta) -> str:
    return ", ".join(f"{c.name} {c.data_type}" for c in table.columns)


def _table_changes(old: TableMeta, new: TableMeta) -> list[Change]:
    before = {c.name: c for c in old.columns}
    after = {c.name: c for c in new.columns}
    changes = [Change(old.qualified, c.name, "column_removed", c.data_type, None)
               for c in old.columns if c.name not in after]
    changes += [Change(new.qualified, c.name, "column_added", None, c.data_type)
                for c in new.columns if c.name not in before]
    for column in new.columns:
        if column.name in before:
            changes += _column_changes(new.qualified, before[column.name], column)
    if old.primary_key != new.primary_key:
        changes.append(Change(new.qualified, None, "primary_key", ", ".join(old.primary_key) or None,
                              ", ".join(new.primary_key) or None))
    return changes


def _column_changes(table: str, old: ColumnMeta, new: ColumnMeta) -> list[Change]:
    changes = []
    if old.type_name != new.type_name:
        changes.append(Change(table, new.name, "retyped", old.data_type, new.data_type))
    elif (old.length, old.precision, old.scale) != (new.length, new.precision, new.scale):
        grew = all((b or 0) >= (a or 0) for a, b in ((old.length, new.length), (old.precision, new.precision),
                                                       (old.scale, new.scale)))
        changes.append(Change(table, new.name, "lengthened" if grew else "shortened", old.data_type, new.data_type))
    if old.nullable != new.nullable:
        changes.append(Change(table, new.name, "nullability", _null(old), _null(new)))
    return changes


def _null(column: ColumnMeta) -> str:
    return "null" if column.nullable else "not null"
