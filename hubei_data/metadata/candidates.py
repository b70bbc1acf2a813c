"""Tables a system holds that no source reads yet, each as a contract skeleton to register it from.

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


def skeleton(system: str, table: TableMeta) -> dict:
    """A source contract pre-filled from the table: names, types, lengths, required columns and key.

    Chinese names come from the comments where the system has them; the rest is for the data steward to fill.
    """
    return {
        "name": table.name,
        "chinese": table.comment or "",
        "system_code": system,
        "channel": "database",
        "table": table.qualified,
        "kind": table.kind,
        "key": list(table.primary_key),
        "columns": [_column(column) for column in table.columns],
    }


def _column(column: ColumnMeta) -> dict:
    described = {"name": column.name, "chinese": column.comment or "", "type": contract_type(column.type_name),
                 "required": not column.nullable}
    if column.length is not None:
        described["length"] = column.length
    return described


def contract_type(type_name: str) -> str:
    """The contract type a database type suggests."""
    return CONTRACT_TYPES.get(type_name.split(" ", 1)[0], "text")
