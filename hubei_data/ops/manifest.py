"""What a backup holds, written beside its dump: the dump's SHA-256, each table's rows and checksum, its revision.

A table's checksum is the sum of the first 64 bits of each row's MD5, so it does not depend on row
order and costs one scan; rows are written out under fixed settings so the same row always gives
the same text, before the dump and after a restore.
"""

import datetime as dt
import hashlib
import os
from pathlib import Path

import psycopg
from psycopg import sql
from pydantic import BaseModel, ConfigDict, ValidationError

from hubei_data.ops.settings import BackupError

DUMP_SUFFIX = ".dump"
MANIFEST_SUFFIX = ".manifest.json"
PARTIAL_SUFFIX = ".partial"
FORMAT = 1

# Every setting that changes how a value is written as text.
_TEXT_SETTINGS = {
    "timezone": "UTC", "datestyle": "ISO, YMD", "intervalstyle": "postgres", "extra_float_digits": "1",
    "bytea_output": "hex",
}


class TableSum(BaseModel):
    """One table's row count and order-independent checksum."""

    model_config = ConfigDict(frozen=True)

    rows: int
    checksum: str


class Manifest(BaseModel):
    """One backup: its dump file, what went into it and what should come back out of a restore."""

    model_config = ConfigDict(frozen=True)

    format: int = FORMAT
    backup_id: str
    created_at: dt.datetime
    database: str
    server_version: str
    schema_revision: str | None
    schemas: list[str]
    dump_file: str
    size_bytes: int
    sha256: str
    tables: dict[str, TableSum]

    @property
    def rows(self) -> int:
        return sum(table.rows for table in self.tables.values())


def dump_path(directory: Path, backup_id: str) -> Path:
    return directory / f"{backup_id}{DUMP_SUFFIX}"


def manifest_path(directory: Path, backup_id: str) -> Path:
    return directory / f"{backup_id}{MANIFEST_SUFFIX}"


def table_sums(conn: psycopg.Connection, schemas: list[str]) -> dict[str, TableSum]:
    """Rows and checksum of every table in these schemas, as this connection's transaction sees them
    (the text settings hold for that transaction only, so not on an autocommit connection)."""
    for name, value in _TEXT_SETTINGS.items():
        conn.execute("select set_config(%s, %s, true)", (name, value))
    tables = conn.execute(
        "select nspname, relname from pg_class join pg_namespace on pg_namespace.oid = relnamespace"
        " where nspname = any(%s) and relkind = 'r' order by nspname, relname", (schemas,),
    ).fetchall()
    sums = {}
    for schema, table in tables:
        rows, checksum = conn.execute(sql.SQL(
            "select count(*), coalesce(sum(('x' || left(md5(row(tbl.*)::text), 16))::bit(64)::bigint::numeric), 0)"
            " from {}.{} as tbl"
        ).format(sql.Identifier(schema), sql.Identifier(table))).fetchone()
        sums[f"{schema}.{table}"] = TableSum(rows=rows, checksum=str(checksum))
    return sums


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def write(manifest: Manifest, path: Path) -> None:
    """Write the manifest to `path`, synced to disk."""
    with path.open("w", encoding="utf-8") as file:
        file.write(manifest.model_dump_json(indent=2))
        file.flush()
        os.fsync(file.fileno())


def read(path: Path) -> Manifest:
    """The manifest at `path`, refused in one line when it cannot be read or is not one."""
    try:
        return Manifest.model_validate_json(path.read_bytes())
    except OSError as error:
        raise BackupError(f"{path}: {error.strerror}") from None
    except ValidationError as error:
        raise BackupError(f"{path} is not a backup manifest: {error.errors()[0]['msg']}") from None
