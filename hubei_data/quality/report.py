"""What the quarantine holds, and how many rows each library holds, for people to read."""

from collections.abc import Iterator

import psycopg
from psycopg import sql
from psycopg.rows import dict_row

from hubei_data.contracts import SOURCES

ISSUE_FIELDS = ("source", "key", "rule", "detail", "batch_id", "file", "row")


# Records the national bureau rejected and has not since accepted in a newer version.
_BUREAU_REJECTIONS = """
    select 'bureau:' || x.feed as source, x.record_key as key, 'bureau_rejected' as rule, x.reason as detail,
           null::bigint as batch_id, 'national bureau batch ' || x.batch_id as file, null::integer as row
    from exchange.bureau_rejections x
    where not exists (
        select 1 from exchange.bureau_records b
        where b.feed = x.feed and b.record_key = x.record_key and b.acked_at > x.rejected_at
    )
"""


_QUARANTINE = "select source, key, rule, detail, batch_id, file, row_number as row from quarantine.issues"


def issues(conn: psycopg.Connection, source: str | None = None) -> Iterator[dict]:
    """Every flagged record and rule, in source, file and row order; then the bureau's rejections."""
    parts = [
        part
        for table, part in (("quarantine.issues", _QUARANTINE), ("exchange.bureau_rejections", _BUREAU_REJECTIONS))
        if conn.execute("select to_regclass(%s)", (table,)).fetchone()[0] is not None
    ]
    if not parts:
        return
    query = (
        "select * from (" + " union all ".join(parts) + ") as found"
        + (" where source = %s" if source else "")
        + " order by source, batch_id, row, rule, key"
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
