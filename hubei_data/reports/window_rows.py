"""A report reads its period's rows: each query over the period's start and end, nothing from tables not made yet."""

import datetime as dt
from collections.abc import Callable

import psycopg
from psycopg.rows import dict_row


def reader(conn: psycopg.Connection, start: dt.datetime, end: dt.datetime) -> Callable[..., list[dict]]:
    """`rows(query, *tables)`: the query's rows with %(start)s and %(end)s bound, or none while any of the tables
    it reads does not exist (a warehouse that has never pushed, served or built yet)."""
    window = {"start": start, "end": end}

    def rows(query: str, *tables: str) -> list[dict]:
        if not all(conn.execute("select to_regclass(%s)", (table,)).fetchone()[0] for table in tables):
            return []
        with conn.cursor(row_factory=dict_row) as cursor:
            return cursor.execute(query, window).fetchall()

    return rows
