"""Tables a system holds that no source reads yet, each pre-filled as the source declaration that registers it.

A database source reads the table named after it (or the one it names), so that table is taken.
"""

from hubei_data.contracts import SOURCES
from hubei_data.metadata.model import ColumnMeta, TableMeta

# The contract type a base type's first word suggests; anything else is text.
CONTRACT_TYPES = {
    **dict.fromkeys(("TIMESTAMP", "DATETIME"), "timestamp"),
    "DATE": "date",
    **dict.fromkeys(("INTEGER", "INT", "BIGINT", "SMALLINT", "TINYINT", "MEDIUMINT"), "integer"),
    **dict.fromkeys(("NUMERIC", "DECIMAL", "NUMBER", "FLOAT", "DOUBLE", "REAL"), "decimal"),
}


def candidates(tables: list[TableMeta]) -> list[TableMeta]:
    """The tables no source reads."""
    taken = {source.table_name.lower() for source in SOURCES.values()}
    return [table for table in tables if table.name.lower() not in taken]


def skeleton(elements, system: str, table: TableMeta, name: str | None = None) -> dict:
    """The declaration of a source `name` (by default the table's) reading the table, as registry/sources/ keeps it:
    the table's comment as its Chinese name, its primary key, and each column with the type, length and required its
    database gives, its comment as Chinese name (its name when it has none) and the data element of its name, when
    `elements` has one. The rest is for the data steward to complete."""
    described = {"chinese": table.comment or table.name, "system": system, "channel": "database",
                 "key": list(table.primary_key)}
    if name is not None and name != table.name:
        described["table"] = table.name
    described["columns"] = {column.name: _column(elements, column) for column in table.columns}
    return described


def _column(elements, column: ColumnMeta) -> dict:
    kind = contract_type(column.type_name)
    described = {"chinese": column.comment or column.name}
    if kind != "text":
        described["type"] = kind
    if not column.nullable:
        described["required"] = True
    if kind == "text" and column.length is not None:
        described["length"] = column.length
    if column.name in elements:
        described["element"] = column.name
    return described


def contract_type(type_name: str) -> str:
    """The contract type a database type suggests."""
    return CONTRACT_TYPES.get(type_name.split(" ", 1)[0], "text")
