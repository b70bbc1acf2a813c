"""Departments' front-end databases (前置库): PostgreSQL or MySQL/MariaDB, reached by a SQLAlchemy URL."""

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing, suppress
from dataclasses import dataclass
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.dialects import mysql, postgresql

from hubei_data.catalog.models import Dataset


# COPY text is sent in pieces of about this size rather than a row at a time.
COPY_PIECE_BYTES = 64 * 1024
# Half of each page of a table merged by key is left free, so when every row changes, each new version fits beside
# the old one (a HOT update): the key index and the other pages are left alone.
MERGED_FILLFACTOR = 50
# Batches of one push merged by key into a PostgreSQL target at the same time, each in its own transaction: their keys
# differ, so none waits for another, and the merge, the longest part of a push, runs in as many server processes.
# MySQL's next-key locks can make such inserts deadlock, so there batches are merged one at a time.
MERGES_AT_ONCE = 2
# Memory of a session for its temporary tables (PostgreSQL's temp_buffers, 8 MB unless set): a batch merged by key is
# loaded into one; 400,000 rows take about 80 MB, and with less they are written out to the table's file and read back.
TEMPORARY_TABLE_MEMORY = "256MB"


class Batch(Protocol):
    """Rows to write, as Python values or, for PostgreSQL targets reached with psycopg, as COPY text."""

    def rows(self) -> list[tuple]: ...

    def copy_text(self) -> Iterator[bytes]: ...


class TargetUnavailable(Exception):
    """The target database could not be reached or dropped the connection: try again later."""


class TargetMismatch(Exception):
    """The target table exists but does not have the columns and key the subscription writes."""


def _column_type(data_type: str, key: bool) -> sa.types.TypeEngine:
    # MySQL indexes no TEXT without a length, so key columns are VARCHAR there.
    if data_type == "text":
        return sa.String(255) if key else sa.Text()
    return {
        "date": sa.Date(),
        "bigint": sa.BigInteger(),
        "integer": sa.Integer(),
        "numeric": sa.Numeric(20, 2),
        "boolean": sa.Boolean(),
        "timestamp with time zone": sa.DateTime(timezone=True),
    }[data_type]


class Target:
    """One front-end database: creates the subscription's table, then upserts or replaces its rows."""

    def __init__(self, url: str):
        try:
            self.engine = sa.create_engine(url, pool_pre_ping=True)
        except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError) as error:
            raise TargetMismatch(f"not a usable database URL: {error}") from None
        self.dialect = self.engine.dialect.name
        if self.dialect not in ("postgresql", "mysql"):
            raise TargetMismatch(f"target databases are PostgreSQL or MySQL/MariaDB, not {self.dialect}")
        self.takes_copy_text = self.dialect == "postgresql" and self.engine.dialect.driver == "psycopg"
        self.merges_at_once = MERGES_AT_ONCE if self.dialect == "postgresql" else 1

    def table(self, name: str, dataset: Dataset, fields: Sequence[str], merged: bool = False) -> sa.Table:
        """The table the fields are written to; one `merged` by key is created with room for new row versions."""
        items = {i.name: i for i in dataset.items}
        columns = [
            sa.Column(f, _column_type(items[f].data_type, f in dataset.key), primary_key=f in dataset.key,
                      nullable=f not in dataset.key)
            for f in fields
        ]
        storage = {"postgresql_with": {"fillfactor": MERGED_FILLFACTOR}} if merged else {}
        return sa.Table(name, sa.MetaData(), *columns, **storage)

    def ensure(self, table: sa.Table) -> None:
        """Create the table when missing; refuse one whose columns or key differ."""
        try:
            with self.engine.begin() as conn:
                table.metadata.create_all(conn, checkfirst=True)
                found = sa.inspect(conn)
                columns = {c["name"] for c in found.get_columns(table.name)}
                key = found.get_pk_constraint(table.name)["constrained_columns"]
        except (sa.exc.OperationalError, sa.exc.InterfaceError) as error:
            raise TargetUnavailable(str(error.orig)) from None
        wanted = {c.name for c in table.columns}
        if not wanted <= columns or set(key) != {c.name for c in table.primary_key}:
            raise TargetMismatch(
                f"{table.name} exists with columns {sorted(columns)} and key {key}; the subscription writes "
                f"{sorted(wanted)} with key {[c.name for c in table.primary_key]}"
            )

    def is_empty(self, table: sa.Table) -> bool:
        try:
            with self.engine.connect() as conn:
                return conn.execute(sa.select(sa.literal(1)).select_from(table).limit(1)).first() is None
        except (sa.exc.OperationalError, sa.exc.InterfaceError) as error:
            raise TargetUnavailable(str(error.orig)) from None

    def upsert(self, table: sa.Table, batch: Batch, into_empty: bool = False) -> None:
        """Insert or update the batch's rows by key, in one transaction; a row with unchanged fields stays as it is."""
        self.load(table, batch, into_empty).write()

    def load(self, table: sa.Table, batch: Batch, into_empty: bool = False) -> "LoadedBatch":
        """Send the batch to the target in a transaction of its own, to be merged and committed by `write`.

        Loading the next batch while the one before it is written keeps the source and the target busy at once.
        `into_empty` says the table was empty when this push began: the push's batches hold
        distinct keys, so its rows are plainly inserted, the fast way; should a batch meet a
        row anyway, the key conflict fails the push and the next push merges.
        """
        conn = None
        try:
            conn = self.engine.connect()
            conn.begin()
            return LoadedBatch(conn, self._load(conn, table, batch, upsert=not into_empty))
        except (sa.exc.OperationalError, sa.exc.InterfaceError) as error:
            _close(conn)
            raise TargetUnavailable(str(error.orig)) from None
        except BaseException:
            _close(conn)
            raise

    def replace(self, table: sa.Table, batches: Iterable[Batch]) -> None:
        """Make the table hold exactly these rows, in one transaction: readers see the old or the new."""
        try:
            with self.engine.begin() as conn:
                conn.execute(table.delete())
                for batch in batches:
                    self._load(conn, table, batch, upsert=False)(conn)
        except (sa.exc.OperationalError, sa.exc.InterfaceError) as error:
            raise TargetUnavailable(str(error.orig)) from None

    def _load(self, conn: sa.Connection, table: sa.Table, batch: Batch,
              upsert: bool) -> Callable[[sa.Connection], None]:
        """Send the batch's rows; what is left to do in the same transaction to write them."""
        names = [c.name for c in table.columns]
        if self.takes_copy_text:
            return _copy(conn, table, names, batch.copy_text(), upsert)
        values = [dict(zip(names, row)) for row in batch.rows()]
        if not values:
            return _nothing_left
        if not upsert:
            return lambda conn: conn.execute(table.insert(), values)
        keys = [c.name for c in table.primary_key]
        if self.dialect == "mysql":
            statement = mysql.insert(table)
            statement = statement.on_duplicate_key_update({n: statement.inserted[n] for n in names if n not in keys})
        else:
            statement = postgresql.insert(table)
            values_of = [n for n in names if n not in keys]
            statement = statement.on_conflict_do_update(
                index_elements=keys, set_={n: statement.excluded[n] for n in values_of},
                where=sa.or_(*(table.c[n].is_distinct_from(statement.excluded[n]) for n in values_of)),
            ) if values_of else statement.on_conflict_do_nothing(index_elements=keys)
        return lambda conn: conn.execute(statement, values)


@dataclass
class LoadedBatch:
    """A batch sent to the target in an open transaction: `merge` finishes writing it and `commit` makes it seen, or
    `abandon` rolls it back. A merge that fails has rolled back already."""

    connection: sa.Connection
    finish: Callable[[sa.Connection], None]

    def merge(self) -> None:
        try:
            self.finish(self.connection)
        except (sa.exc.OperationalError, sa.exc.InterfaceError) as error:
            self.abandon()
            raise TargetUnavailable(str(error.orig)) from None
        except BaseException:
            self.abandon()
            raise

    def commit(self) -> None:
        try:
            with self.connection:
                self.connection.commit()
        except (sa.exc.OperationalError, sa.exc.InterfaceError) as error:
            raise TargetUnavailable(str(error.orig)) from None

    def write(self) -> None:
        self.merge()
        self.commit()

    def abandon(self) -> None:
        _close(self.connection)


def _nothing_left(conn: sa.Connection) -> None:
    return None


def _close(conn: sa.Connection | None) -> None:
    """Close a connection whose transaction is given up; a connection the target already dropped closes as it is."""
    if conn is None:
        return
    try:
        conn.close()
    except (sa.exc.OperationalError, sa.exc.InterfaceError):
        conn.invalidate()


def _copy(conn: sa.Connection, table: sa.Table, names: list[str], text: Iterator[bytes],
          upsert: bool) -> Callable[[sa.Connection], None]:
    """PostgreSQL with psycopg 3: COPY text straight in, or for an upsert into a scratch table, to be merged from
    it rewriting only the rows whose fields changed."""
    from psycopg import sql

    raw = conn.connection.driver_connection
    target = sql.Identifier(table.name)
    columns = sql.SQL(", ").join(map(sql.Identifier, names))
    keys = [c.name for c in table.primary_key]
    into = sql.Identifier("incoming") if upsert else target
    with raw.cursor() as cursor:
        if upsert:
            roomy_temporary_tables(raw)
            cursor.execute(sql.SQL("create temp table if not exists {} (like {} including defaults) on commit drop")
                           .format(into, target))
        with cursor.copy(sql.SQL("copy {} ({}) from stdin").format(into, columns)) as copy, closing(text):
            for piece in _pieces(text):
                copy.write(piece)
    if not upsert:
        return _nothing_left
    values_of = [sql.Identifier(n) for n in names if n not in keys]
    updates = [sql.SQL("{} = excluded.{}").format(n, n) for n in values_of]
    conflict = sql.SQL(" on conflict ({}) do update set {} where ({}) is distinct from ({})").format(
        sql.SQL(", ").join(map(sql.Identifier, keys)), sql.SQL(", ").join(updates),
        sql.SQL(", ").join(sql.SQL("{}.{}").format(target, n) for n in values_of),
        sql.SQL(", ").join(sql.SQL("excluded.{}").format(n) for n in values_of),
    ) if updates else sql.SQL(" on conflict do nothing")
    merge = sql.SQL("insert into {} ({}) select {} from {}{}").format(target, columns, columns, into, conflict)
    return lambda conn: conn.connection.driver_connection.execute(merge)


def roomy_temporary_tables(conn) -> None:
    """Give a PostgreSQL session (a psycopg 3 connection) TEMPORARY_TABLE_MEMORY for its temporary tables.

    PostgreSQL fixes the amount at a session's first use of one and refuses to change it after; a session that
    already used them keeps what it had.
    """
    from psycopg import errors, sql

    with suppress(errors.InvalidParameterValue), conn.transaction():
        conn.execute(sql.SQL("set temp_buffers = {}").format(sql.Literal(TEMPORARY_TABLE_MEMORY)))


def _pieces(blocks: Iterator[bytes]) -> Iterator[bytearray]:
    """The blocks joined into pieces of about COPY_PIECE_BYTES: writing each row on its own costs more than the row."""
    piece = bytearray()
    for block in blocks:
        piece += block
        if len(piece) >= COPY_PIECE_BYTES:
            yield piece
            piece = bytearray()
    if piece:
        yield piece
