"""What the quarantine holds, and how many rows each library holds, for people to read."""

from collections.abc import Iterator

import psycopg
from psycopg import sql
from psycopg.rows import dict_row

from hubei_data.contracts import SOURCES

ISSUE_FIELDS = ("source", "key", "rule", "detail", "batch_id", "file", "row")


def issues(conn: psycopg.Connection, source: str | None = None) -> Iterator[dict]:
    """Every flagged record and rule, in source, file and row order."""
    query = (
        "select source, key, rule, detail, batch_id, file, row_number as row from quarantine.issues"
        + (" where source = %s" if source else "")
        + " order by source, batch_id, row_number, rule"
    )
    with conn.cursor(row_factory=dict_row) as cursor:
        yield from cursor.execute(query, (source,) if source else ())


def flagged_by_rule(conn: psycopg.Connection) -> list[tuple[str, str, int]]:
    """(source, rule, rows flagged) for every rule that flagged anything."""
    return conn.execute(
        "select source, rule, count(distinct (batch_id, row_number)) from quarantine.issues"
        " group by source, rule order by source, rule"
    ).fetchall()


def table_rows(conn: psycopg.Connection, schema: str, table: str) -> int | None:
    """Rows in schema.table, or None when it has not been built yet."""
    if conn.execute("select to_regclass(%s)", (f"{schema}.{table}",)).fetchone()[0] is None:
        return None
    return conn.execute(sql.SQL("select count(*) from {}").format(sql.Identifier(schema, table))).fetchone()[0]


def rows_per_layer(conn: psycopg.Connection) -> list[tuple[str, dict[str, int | None]]]:
    """Rows of every source in landing, raw, resource and quarantine (None: not built yet)."""
    layers = ("landing", "raw", "resource", "quarantine")
    return [(source, {layer: table_rows(conn, layer, source) for layer in layers}) for source in SOURCES]
