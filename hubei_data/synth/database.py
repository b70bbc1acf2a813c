"""Source-system tables: recreated per run, typed as the contract says, filled by COPY chunk by chunk."""

import psycopg
from psycopg import sql

from hubei_data.contracts.model import Source

SQL_TYPES = {"text": "text", "date": "date", "timestamp": "timestamp", "integer": "bigint", "decimal": "numeric"}
# Binary COPY is about twice as fast as text; it needs each column's type named up front.
_COPY_TYPES = {"text": "text", "date": "date", "timestamp": "timestamp", "integer": "int8", "decimal": "numeric"}


def create_table(conn: psycopg.Connection, schema: str, source: Source) -> None:
    """Drop and recreate `<schema>.<source>`, so a rerun leaves exactly what it wrote."""
    table = sql.Identifier(schema, source.name)
    columns = sql.SQL(", ").join(
        sql.SQL("{} {}").format(sql.Identifier(c.name), sql.SQL(SQL_TYPES[c.type])) for c in source.columns
    )
    conn.execute(sql.SQL("create schema if not exists {}").format(sql.Identifier(schema)))
    conn.execute(sql.SQL("drop table if exists {}").format(table))
    conn.execute(sql.SQL("create table {} ({})").format(table, columns))


class TableSink:
    """Rows of one source into its table; each chunk one COPY, never the whole table in memory."""

    def __init__(self, conn: psycopg.Connection, schema: str, source: Source) -> None:
        create_table(conn, schema, source)
        self._conn = conn
        self._types = [_COPY_TYPES[c.type] for c in source.columns]
        self._copy = sql.SQL("copy {} ({}) from stdin (format binary)").format(
            sql.Identifier(schema, source.name),
            sql.SQL(", ").join(sql.Identifier(c.name) for c in source.columns),
        )

    def write(self, rows: list[list]) -> None:
        with self._conn.cursor() as cursor, cursor.copy(self._copy) as copy:
            copy.set_types(self._types)
            for row in rows:
                copy.write_row(row)

    def close(self) -> None:
        pass


class NullSink:
    """Rows generated only because other sources reference them, when there is no database."""

    def write(self, rows: list[list]) -> None:
        pass

    def close(self) -> None:
        pass
