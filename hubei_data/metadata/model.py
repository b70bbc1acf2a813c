"""The shape of harvested metadata: tables and their columns, as plain values that compare and store."""

from dataclasses import dataclass


class HarvestError(Exception):
    """A harvest, version or diff that cannot be done, said in one line naming the system."""


@dataclass(frozen=True)
class ColumnMeta:
    """One column as its database describes it; `type_name` is the type without length or collation."""

    name: str
    position: int
    data_type: str
    type_name: str
    length: int | None
    precision: int | None
    scale: int | None
    nullable: bool
    default: str | None
    comment: str | None


@dataclass(frozen=True)
class TableMeta:
    """One table or view: its columns in order, comment, primary key and foreign keys (each a dict as SQLAlchemy
    gives it); `kind` is table, view or materialized view."""

    schema: str
    name: str
    kind: str
    comment: str | None
    primary_key: tuple[str, ...]
    foreign_keys: tuple[dict, ...]
    columns: tuple[ColumnMeta, ...]

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"


@dataclass(frozen=True)
class Scope:
    """What one harvest read: schemas, and within them only the picked tables when any were named."""

    schemas: tuple[str, ...]
    picked: dict[str, tuple[str, ...]] | None = None

    def covers(self, table: TableMeta) -> bool:
        if table.schema not in self.schemas:
            return False
        return self.picked is None or table.name in self.picked.get(table.schema, ())

    def __str__(self) -> str:
        if self.picked is None:
            return "schemas " + ", ".join(self.schemas)
        return "tables " + ", ".join(f"{s}.{t}" for s, names in self.picked.items() for t in names)
