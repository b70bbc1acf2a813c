"""The defects the quarantine holds now: per source and rule, the flagged rows no later version has replaced."""

import datetime as dt
from dataclasses import dataclass

import psycopg
from psycopg import sql

from hubei_data.contracts import SOURCES

ROW_FIELDS = ("key", "detail", "batch_id", "file", "row", "received_at")


@dataclass(frozen=True)
class Defect:
    """A rule's rows of one source still in the quarantine, the newest batch among them, and when the first and the
    last of those batches arrived."""

    source: str
    rule: str
    rows: int
    newest_batch: int
    first_seen: dt.datetime
    last_seen: dt.datetime


def current(conn: psycopg.Connection) -> list[Defect]:
    """Every source and rule with flagged rows that are still the latest version of their record."""
    found = []
    for source in _built(conn):
        query = sql.SQL("select q.rule, count(distinct (q.batch_id, q.row_number)), max(q.batch_id),"
                        " min(b.received_at), max(b.received_at) {} group by q.rule order by q.rule").format(
            _unreplaced(source))
        found += [Defect(source, rule, rows, newest, first, last)
                  for rule, rows, newest, first, last in conn.execute(query, {"source": source})]
    return found


def rows(conn: psycopg.Connection, source: str, rule: str) -> list[tuple]:
    """The rows behind one source and rule's defect, as ROW_FIELDS, in file and row order."""
    if source not in _built(conn):
        return []
    query = sql.SQL("select q.key, q.detail, q.batch_id, q.file, q.row_number, b.received_at {} and q.rule = %(rule)s"
                    " order by q.batch_id, q.row_number").format(_unreplaced(source))
    return conn.execute(query, {"source": source, "rule": rule}).fetchall()


def _built(conn: psycopg.Connection) -> list[str]:
    """The sources whose quarantine and resource tables exist."""
    if conn.execute("select to_regclass('quarantine.issues')").fetchone()[0] is None:
        return []
    return [name for name in SOURCES
            if conn.execute("select to_regclass(%s)", (f"resource.{name}",)).fetchone()[0] is not None]


def _unreplaced(source: str) -> sql.Composed:
    """From and where of a source's quarantined rows that are still the latest version of their record.

    A flagged row stops counting once a later batch of its source brings the same key: into the resource library
    when the row was fixed at source, or into the quarantine again, where that later row counts instead. A row
    without a key is never replaced: it counts until a person resolves its ticket.
    """
    key = SOURCES[source].key[0]
    column = sql.Identifier(key) if SOURCES[source].column(key).type == "text" else sql.SQL("{}::text").format(
        sql.Identifier(key))
    return sql.SQL("""
        from quarantine.issues as q
        join landing.batches as b on b.batch_id = q.batch_id
        where q.source = %(source)s
          and not exists (select 1 from {resource} as r where r.{column} = q.key and r._batch_id > q.batch_id)
          and not exists (select 1 from quarantine.issues as later
                          where later.source = q.source and later.key = q.key and later.batch_id > q.batch_id)
    """).format(resource=sql.Identifier("resource", source), column=column)
