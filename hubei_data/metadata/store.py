"""Metadata versions in the warehouse (ops.metadata_*): each harvest kept as the system's state it found.

A harvest of some schemas or hand-picked tables replaces only those in the latest version and carries the
rest over, so every version is the whole system as known after it. A harvest that finds exactly the latest
version stores nothing new and only marks that version confirmed. A version is written in one transaction.
"""

import datetime as dt
import hashlib
import json
from dataclasses import asdict, dataclass

import psycopg
from psycopg.types.json import Jsonb

from hubei_data.metadata.model import ColumnMeta, HarvestError, Scope, TableMeta


@dataclass(frozen=True)
class Version:
    """One stored version of a system's metadata, without its tables."""

    system: str
    version: int
    harvested_at: dt.datetime
    harvested_by: str
    origin: str
    scope: str
    confirmed_at: dt.datetime
    tables: int
    columns: int


@dataclass(frozen=True)
class Saved:
    """What a harvest left: the version it made (new) or confirmed, and how many tables that version holds."""

    version: int
    new: bool
    tables: int


def save(conn: psycopg.Connection, system: str, read: list[TableMeta], scope: Scope, origin: str, by: str) -> Saved:
    """Store what a harvest read as the system's next version, or confirm the latest when nothing changed."""
    with conn.transaction():
        conn.execute("select pg_advisory_xact_lock(hashtext('hubei_data.metadata:' || %s))", (system,))
        latest = latest_version(conn, system)
        kept = [table for table in (load(conn, system, latest) if latest else []) if not scope.covers(table)]
        tables = sorted([*kept, *read], key=lambda table: (table.schema, table.name))
        digest = _digest(tables)
        if latest and conn.execute("select digest from ops.metadata_versions where system = %s and version = %s",
                                   (system, latest)).fetchone()[0] == digest:
            conn.execute("update ops.metadata_versions set confirmed_at = now() where system = %s and version = %s",
                         (system, latest))
            return Saved(latest, False, len(tables))
        version = (latest or 0) + 1
        conn.execute("insert into ops.metadata_versions (system, version, harvested_by, origin, scope, digest)"
                     " values (%s, %s, %s, %s, %s, %s)", (system, version, by, origin, str(scope), digest))
        _write(conn, system, version, tables)
    return Saved(version, True, len(tables))


def _write(conn: psycopg.Connection, system: str, version: int, tables: list[TableMeta]) -> None:
    with conn.cursor() as cursor:
        cursor.executemany(
            "insert into ops.metadata_tables (system, version, schema_name, table_name, kind, comment, primary_key,"
            " foreign_keys) values (%s, %s, %s, %s, %s, %s, %s, %s)",
            [(system, version, t.schema, t.name, t.kind, t.comment, list(t.primary_key), Jsonb(list(t.foreign_keys)))
             for t in tables])
        cursor.executemany(
            "insert into ops.metadata_columns (system, version, schema_name, table_name, column_name, position,"
            " data_type, type_name, length, numeric_precision, numeric_scale, nullable, default_value, comment)"
            " values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [(system, version, t.schema, t.name, c.name, c.position, c.data_type, c.type_name, c.length, c.precision,
              c.scale, c.nullable, c.default, c.comment) for t in tables for c in t.columns])


def _digest(tables: list[TableMeta]) -> str:
    return hashlib.sha256(json.dumps([asdict(t) for t in tables], ensure_ascii=False, sort_keys=True,
                                     default=str).encode()).hexdigest()


def latest_version(conn: psycopg.Connection, system: str) -> int | None:
    return conn.execute("select max(version) from ops.metadata_versions where system = %s", (system,)).fetchone()[0]


def resolve(conn: psycopg.Connection, system: str, version: int | None) -> int:
    """The version asked for, or the latest; a clear error when the system has none or not that one."""
    latest = latest_version(conn, system)
    if latest is None:
        raise HarvestError(f"system {system} has no metadata yet: `hubei-data metadata harvest {system}` first")
    if version is None:
        return latest
    if not conn.execute("select 1 from ops.metadata_versions where system = %s and version = %s",
                        (system, version)).fetchone():
        raise HarvestError(f"system {system} has no metadata version {version}; its versions are 1 to {latest}")
    return version


def versions(conn: psycopg.Connection, system: str) -> list[Version]:
    """Every version of the system, newest first, with how many tables and columns it holds."""
    return [Version(*row) for row in conn.execute(
        "select v.system, v.version, v.harvested_at, v.harvested_by, v.origin, v.scope, v.confirmed_at,"
        " (select count(*) from ops.metadata_tables t where (t.system, t.version) = (v.system, v.version)),"
        " (select count(*) from ops.metadata_columns c where (c.system, c.version) = (v.system, v.version))"
        " from ops.metadata_versions v where v.system = %s order by v.version desc", (system,))]


def load(conn: psycopg.Connection, system: str, version: int) -> list[TableMeta]:
    """The tables of one version, with their columns in order."""
    columns: dict[tuple[str, str], list[ColumnMeta]] = {}
    for schema, table, *values in conn.execute(
        "select schema_name, table_name, column_name, position, data_type, type_name, length, numeric_precision,"
        " numeric_scale, nullable, default_value, comment from ops.metadata_columns"
        " where system = %s and version = %s order by schema_name, table_name, position", (system, version)):
        columns.setdefault((schema, table), []).append(ColumnMeta(*values))
    return [TableMeta(schema, table, kind, comment, tuple(key), tuple(foreign),
                      tuple(columns.get((schema, table), ())))
            for schema, table, kind, comment, key, foreign in conn.execute(
                "select schema_name, table_name, kind, comment, primary_key, foreign_keys from ops.metadata_tables"
                " where system = %s and version = %s order by schema_name, table_name", (system, version))]
