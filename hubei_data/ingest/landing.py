"""The landing schema: one text table per source, and the log of every batch received."""

from collections.abc import Iterable

import psycopg
from psycopg import sql
from psycopg.rows import dict_row

from hubei_data.contracts import SOURCES, Source

SCHEMA = "landing"
LINEAGE = ("_extra", "_defect", "_batch_id", "_row_number")

_BATCHES = """
create table if not exists landing.batches (
    batch_id bigint generated always as identity primary key,
    source text not null,
    channel text not null,
    origin text not null,
    sha256 text,
    size_bytes bigint,
    modified_ns bigint,
    format text,
    encoding text,
    status text not null check (status in ('loaded', 'rejected')),
    reason text,
    row_count bigint,
    extra_columns text[],
    missing_columns text[],
    received_at timestamptz not null default now()
);
create unique index if not exists batches_loaded_once
    on landing.batches (source, sha256) where status = 'loaded';
create index if not exists batches_by_origin on landing.batches (origin, size_bytes, modified_ns);
"""


def ensure_landing(conn: psycopg.Connection) -> None:
    """Create the landing schema, batch log and source tables; add columns a contract gained.

    Every build and landing calls this; when all is in place, as it nearly always is, one catalog query says so
    and no DDL lock is taken.
    """
    if _in_place(conn):
        return
    with conn.transaction():
        conn.execute("select pg_advisory_xact_lock(hashtext('hubei_data.landing'))")
        conn.execute(f"create schema if not exists {SCHEMA}")
        conn.execute(_BATCHES)
        _allow_rejections_without_digest(conn)
        for source in SOURCES.values():
            table = sql.Identifier(SCHEMA, source.name)
            conn.execute(
                sql.SQL(
                    "create table if not exists {} (_extra jsonb, _defect text,"
                    " _batch_id bigint not null, _row_number integer not null)"
                ).format(table)
            )
            for column in source.columns:
                conn.execute(
                    sql.SQL("alter table {} add column if not exists {} text").format(
                        table, sql.Identifier(column.name)
                    )
                )
            _number_rows_by_default(conn, source)


_INDEXES = ("batches_loaded_once", "batches_by_origin")


def _in_place(conn: psycopg.Connection) -> bool:
    """Whether the batch log, its indexes, every source table and column, and the bulk COPY's defaults exist."""
    columns = {
        (table, column): (has_default, not_null)
        for table, column, has_default, not_null in conn.execute(
            "select c.relname, a.attname, a.atthasdef, a.attnotnull from pg_attribute as a"
            " join pg_class as c on c.oid = a.attrelid join pg_namespace as n on n.oid = c.relnamespace"
            " where n.nspname = %s and c.relkind = 'r' and a.attnum > 0 and not a.attisdropped",
            (SCHEMA,),
        )
    }
    indexes = {name for (name,) in conn.execute(
        "select indexname from pg_indexes where schemaname = %s and indexname = any(%s)", (SCHEMA, list(_INDEXES)))}
    return (
        columns.get(("batches", "sha256")) == (False, False)
        and indexes == set(_INDEXES)
        and all(
            (source.name, column) in columns for source in SOURCES.values() for column in source.column_names
        )
        and all(columns.get((source.name, lineage), (False,))[0] for source in SOURCES.values()
                for lineage in ("_batch_id", "_row_number"))
    )


# The batch a bulk COPY is landing, set for its transaction: the default of every row's _batch_id.
BATCH_SETTING = "hubei_data.landing_batch"


def row_numbers(source: Source) -> str:
    """The sequence a bulk COPY numbers rows from: restarted at 2 for each file, as its header is row 1."""
    return f"{SCHEMA}.{source.name}_row_number"


def _number_rows_by_default(conn: psycopg.Connection, source: Source) -> None:
    """Let a COPY that names only the file's columns fill in the batch and the row number itself.

    Loaders that know both (row by row, database extracts) still give them explicitly.
    """
    table = sql.Identifier(SCHEMA, source.name)
    if conn.execute(
        "select column_default is not null from information_schema.columns"
        " where table_schema = %s and table_name = %s and column_name = '_row_number'",
        (SCHEMA, source.name),
    ).fetchone()[0]:
        return
    conn.execute(sql.SQL("create sequence if not exists {} as integer owned by {}._row_number").format(
        sql.Identifier(*row_numbers(source).split(".")), table))
    conn.execute(sql.SQL(
        "alter table {} alter column _batch_id set default current_setting({})::bigint,"
        " alter column _row_number set default nextval({})"
    ).format(table, sql.Literal(BATCH_SETTING), sql.Literal(row_numbers(source))))


def newest_loaded_batch(conn: psycopg.Connection, source: str, channel: str) -> int | None:
    """The last batch of this source and channel that landed rows, or None before the first."""
    return conn.execute(
        "select max(batch_id) from landing.batches where source = %s and channel = %s and status = 'loaded'",
        (source, channel),
    ).fetchone()[0]


def _allow_rejections_without_digest(conn: psycopg.Connection) -> None:
    """A file that vanished or could not be opened is rejected without a SHA-256: older logs required one."""
    required = conn.execute(
        "select attnotnull from pg_attribute where attrelid = 'landing.batches'::regclass and attname = 'sha256'"
    ).fetchone()[0]
    if required:
        conn.execute("alter table landing.batches alter column sha256 drop not null")


def copy_statement(source: Source) -> sql.Composed:
    """COPY into a source's landing table, contract columns first, then lineage."""
    columns = [*source.column_names, *LINEAGE]
    return sql.SQL("copy {} ({}) from stdin").format(
        sql.Identifier(SCHEMA, source.name), sql.SQL(", ").join(map(sql.Identifier, columns))
    )


def find_loaded(conn: psycopg.Connection, source: str, sha256: str) -> int | None:
    """The batch that already holds these exact bytes, if any."""
    row = conn.execute(
        "select batch_id from landing.batches where source = %s and sha256 = %s and status = 'loaded'",
        (source, sha256),
    ).fetchone()
    return row[0] if row else None


def open_batch(conn: psycopg.Connection, **fields) -> int:
    """Insert a loaded batch inside the caller's transaction and return its id.

    One landing of a source at a time, until the caller commits: a source's batches commit in the order of
    their ids, so a check that has verified a table through one batch knows every later batch is new.
    """
    conn.execute("select pg_advisory_xact_lock(hashtext(%s))", (f"hubei_data.landing.{fields['source']}",))
    names = list(fields)
    query = sql.SQL("insert into landing.batches (status, {}) values ('loaded', {}) returning batch_id").format(
        sql.SQL(", ").join(map(sql.Identifier, names)), sql.SQL(", ").join(sql.Placeholder() * len(names))
    )
    return conn.execute(query, list(fields.values())).fetchone()[0]


def close_batch(conn: psycopg.Connection, batch_id: int, rows: int) -> None:
    conn.execute("update landing.batches set row_count = %s where batch_id = %s", (rows, batch_id))


def record_rejection(conn: psycopg.Connection, **fields) -> None:
    """Log a rejected file once per reason, so a retry of the same file adds no noise."""
    with conn.transaction():
        seen = conn.execute(
            "select 1 from landing.batches where status = 'rejected' and source = %s and origin = %s"
            " and sha256 is not distinct from %s and reason = %s",
            (fields["source"], fields["origin"], fields["sha256"], fields["reason"]),
        ).fetchone()
        if not seen:
            names = list(fields)
            conn.execute(
                sql.SQL("insert into landing.batches (status, {}) values ('rejected', {})").format(
                    sql.SQL(", ").join(map(sql.Identifier, names)),
                    sql.SQL(", ").join(sql.Placeholder() * len(names)),
                ),
                list(fields.values()),
            )


def history(conn: psycopg.Connection, status: str, limit: int) -> list[dict]:
    """The newest entries of the batch log with this status (`loaded` or `rejected`), for people to read."""
    if not _has_batches(conn):
        return []
    with conn.cursor(row_factory=dict_row) as cursor:
        return cursor.execute(
            "select batch_id, source, channel, origin, sha256, format, encoding, row_count, reason, received_at"
            " from landing.batches where status = %s order by received_at desc, batch_id desc limit %s",
            (status, limit),
        ).fetchall()


def received(conn: psycopg.Connection, files: list[tuple[str, str, int, int]]) -> set[str]:
    """Which of (source, origin, size, mtime) the log holds as they are now, loaded or rejected."""
    if not files or not _has_batches(conn):
        return set()
    rows = conn.execute(
        "select files.origin from unnest(%s::text[], %s::text[], %s::bigint[], %s::bigint[])"
        " as files (source, origin, size_bytes, modified_ns)"
        " where exists (select from landing.batches batch where batch.source = files.source"
        " and batch.origin = files.origin and batch.size_bytes = files.size_bytes"
        " and batch.modified_ns = files.modified_ns)",
        [list(column) for column in zip(*files)],
    ).fetchall()
    return {origin for (origin,) in rows}


def received_bytes(conn: psycopg.Connection, files: list[tuple[str, str, str]]) -> set[str]:
    """Which of (source, origin, sha256) hold bytes loaded for the source, or rejected at that origin."""
    if not files or not _has_batches(conn):
        return set()
    rows = conn.execute(
        "select files.origin from unnest(%s::text[], %s::text[], %s::text[]) as files (source, origin, sha256)"
        " where exists (select from landing.batches batch where batch.source = files.source"
        " and batch.sha256 = files.sha256 and (batch.status = 'loaded' or batch.origin = files.origin))",
        [list(column) for column in zip(*files)],
    ).fetchall()
    return {origin for (origin,) in rows}


def _has_batches(conn: psycopg.Connection) -> bool:
    return conn.execute("select to_regclass('landing.batches') is not null").fetchone()[0]


def awaits_raw(conn: psycopg.Connection, source: Source) -> bool:
    """Whether landing holds rows raw has not taken in: after prune_landed, landing keeps only those."""
    query = sql.SQL("select exists (select from {})").format(sql.Identifier(SCHEMA, source.name))
    return conn.execute(query).fetchone()[0]


def prune_landed(conn: psycopg.Connection, sources: Iterable[Source]) -> None:
    """Drop landing rows whose batches raw already holds: landing is the receiving dock."""
    for source in sources:
        raw = conn.execute(
            "select to_regclass(%s)", (f"raw.{source.name}",)
        ).fetchone()[0]
        if raw is None:
            continue
        conn.execute(
            sql.SQL(
                "delete from {landing} where _batch_id in (select b._batch_id from"
                " (select distinct _batch_id from {landing}) b"
                " where exists (select 1 from {raw} r where r._batch_id = b._batch_id))"
            ).format(landing=sql.Identifier(SCHEMA, source.name), raw=sql.Identifier("raw", source.name))
        )
