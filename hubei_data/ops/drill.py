"""Restores and restore drills: a backup checked against its SHA-256, restored into a database that is never the
live warehouse, and every table compared with the rows and checksum its manifest recorded.

Each is recorded in `ops.drills` as matched, disagreed or failed; the alerting that reads disagreed and
failed ones comes later. A corrupt or unknown backup is refused before any database is touched.
"""

import dataclasses
import re
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from hubei_data import warehouse
from hubei_data.control import schema
from hubei_data.ops import backup, manifest as manifests
from hubei_data.ops.manifest import Manifest, TableSum
from hubei_data.ops.settings import (
    DRILL_URL_VARIABLE, BackupError, BackupSettings, cause_of, client_args, program_error,
)
from hubei_data.warehouse import ConnectInfo

DATABASE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
_SERVER_AND_DATABASE = "select pg_postmaster_start_time()::text, current_database()"


@dataclass(frozen=True)
class Mismatch:
    """A table that did not come back as it was backed up."""

    table: str
    backed_up: TableSum | None
    restored: TableSum | None

    def __str__(self) -> str:
        if self.restored is None:
            return f"{self.table}: not restored ({self.backed_up.rows} rows backed up)"
        if self.backed_up is None:
            return f"{self.table}: restored, but the backup holds no such table"
        if self.restored.rows != self.backed_up.rows:
            return f"{self.table}: {self.restored.rows} rows restored, {self.backed_up.rows} backed up"
        return f"{self.table}: same {self.restored.rows} rows, but checksum {self.restored.checksum} restored," \
               f" {self.backed_up.checksum} backed up"

    def as_json(self) -> dict:
        return {"table": self.table, "backed_up": self.backed_up and self.backed_up.model_dump(),
                "restored": self.restored and self.restored.model_dump()}


@dataclass(frozen=True)
class Result:
    """A backup restored into `target`, and the tables that disagree with its manifest."""

    manifest: Manifest
    target: str
    mismatches: list[Mismatch]

    def summary(self) -> str:
        done = f"backup {self.manifest.backup_id} restored into {self.target}"
        if not self.mismatches:
            return f"{done}: all {len(self.manifest.tables)} tables match the manifest ({self.manifest.rows} rows)"
        return f"{done} disagrees with its manifest in {len(self.mismatches)} of {len(self.manifest.tables)}" \
               f" tables: {', '.join(mismatch.table for mismatch in self.mismatches)}"


def drill(info: ConnectInfo, settings: BackupSettings, backup_id: str | None, requested_by: str) -> Result:
    """Restore a backup (the newest when None) into a scratch database, compare, and drop the scratch copy."""
    found = backup.find(settings.directory, backup_id)
    scratch = _Scratch(info, settings, found.schemas)
    with _recorded(info, found, "drill", scratch.label, requested_by) as record:
        dump = verified_dump(settings.directory, found)
        with scratch as database:
            restore_into(settings, dump, database)
            record.mismatches = compare(found, database)
    return Result(found, scratch.label, record.mismatches)


def restore(info: ConnectInfo, settings: BackupSettings, backup_id: str, into: str, requested_by: str) -> Result:
    """Restore a backup into a new database `into` (made here on the embedded server; on an external one an
    empty database an administrator made), compare, and keep it. Never the live warehouse."""
    if not DATABASE_NAME.fullmatch(into):
        raise BackupError(f"{into!r} is not a database name this restores into: lower-case letters, digits, _")
    if into == info.dbname:
        raise BackupError(f"{into} is the live warehouse: a restore writes only into a database of its own")
    found = backup.find(settings.directory, backup_id)
    with _recorded(info, found, "restore", into, requested_by) as record:
        dump = verified_dump(settings.directory, found)
        target = _new_database(info, into, found.schemas)
        try:
            restore_into(settings, dump, target)
        except BackupError:
            if info.embedded:
                warehouse.drop_database(into)
            raise
        warehouse.seal_audit_trail(target)
        record.mismatches = compare(found, target)
    return Result(found, into, record.mismatches)


def verified_dump(directory: Path, found: Manifest) -> Path:
    """The backup's dump, refused unless it is exactly the file its manifest describes."""
    path = manifests.dump_path(directory, found.backup_id)
    if not path.is_file():
        raise BackupError(f"backup {found.backup_id}: its dump {path} is missing; nothing was restored")
    digest = manifests.sha256_of(path)
    if digest != found.sha256:
        raise BackupError(f"backup {found.backup_id}: {path} is corrupt (SHA-256 {digest[:16]}…, the manifest"
                          f" recorded {found.sha256[:16]}…); nothing was restored")
    return path


def restore_into(settings: BackupSettings, dump: Path, target: ConnectInfo) -> None:
    """pg_restore as the connecting role, in one transaction: all of it or nothing.

    Owners and grants are left out, so the owner role restores what the audit keeper owned; the grants
    are given again when the platform next starts on that database.
    """
    database, environment = client_args(target)
    done = subprocess.run(
        [settings.program("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
         f"--dbname={database}", str(dump)],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, env=environment,
    )
    if done.returncode:
        raise BackupError(program_error(done.stderr, "pg_restore"))


def compare(found: Manifest, target: ConnectInfo) -> list[Mismatch]:
    """Every table whose rows or checksum in `target` differ from the manifest, or that is only on one side."""
    with _connect(target) as conn:
        restored = manifests.table_sums(conn, found.schemas)
    return [Mismatch(table, found.tables.get(table), restored.get(table))
            for table in sorted(set(found.tables) | set(restored))
            if found.tables.get(table) != restored.get(table)]


@dataclass
class _Record:
    mismatches: list[Mismatch] = field(default_factory=list)


@contextmanager
def _recorded(info: ConnectInfo, found: Manifest, kind: str, target: str, requested_by: str) -> Iterator[_Record]:
    """A row in `ops.drills` for the body: matched, disagreed, or failed with the one-line cause it raises."""
    record = _Record()
    with psycopg.connect(info.url, autocommit=True) as conn:
        schema.require_current(conn)
        (drill_id,) = conn.execute(
            "insert into ops.drills (backup_id, kind, target, requested_by, status) values (%s, %s, %s, %s, 'running')"
            " returning drill_id", (found.backup_id, kind, target, requested_by)).fetchone()
        try:
            yield record
        except (BackupError, OSError, psycopg.Error) as error:
            conn.execute("update ops.drills set status = 'failed', finished_at = now(), error = %s"
                         " where drill_id = %s", (cause_of(error), drill_id))
            raise BackupError(cause_of(error)) from None
        conn.execute(
            "update ops.drills set status = %s, finished_at = now(), tables = %s, mismatches = %s where drill_id = %s",
            ("disagreed" if record.mismatches else "matched", len(found.tables),
             Jsonb([mismatch.as_json() for mismatch in record.mismatches]), drill_id),
        )


class _Scratch:
    """A database for one drill: the drill database emptied before and after, or one made and dropped on the
    embedded server."""

    def __init__(self, info: ConnectInfo, settings: BackupSettings, schemas: list[str]):
        self.info, self.schemas, self.url = info, schemas, settings.drill_url
        self.name = f"hubei_data_drill_{uuid.uuid4().hex[:12]}"

    @property
    def label(self) -> str:
        return warehouse.parse_url(self.url).redacted() if self.url else self.name

    def __enter__(self) -> ConnectInfo:
        if self.url:
            target = warehouse.parse_url(self.url)
            _refuse_live(self.info, target, DRILL_URL_VARIABLE)
            _drop_schemas(target, self.schemas)
            return target
        if not self.info.embedded:
            raise BackupError(f"with an external warehouse a drill restores into the database {DRILL_URL_VARIABLE}"
                              " names (empty, owned by the platform's owner role): set it")
        return warehouse.create_database(self.name)

    def __exit__(self, *_) -> None:
        if self.url:
            _drop_schemas(warehouse.parse_url(self.url), self.schemas)
        else:
            warehouse.drop_database(self.name)


def _new_database(info: ConnectInfo, name: str, schemas: list[str]) -> ConnectInfo:
    """The database a restore writes into: new on the embedded server, else an existing one holding none of the
    backup's schemas."""
    if info.embedded:
        try:
            return warehouse.create_database(name)
        except psycopg.errors.DuplicateDatabase:
            raise BackupError(f"database {name} already exists: a restore writes only into a new database") from None
    target = dataclasses.replace(info, dbname=name)
    _refuse_live(info, target, "--into")
    with _connect(target) as conn:
        taken = [name for (name,) in conn.execute(
            "select nspname from pg_namespace where nspname = any(%s) order by 1", (schemas,))]
    if taken:
        raise BackupError(f"database {target.dbname} already holds {', '.join(taken)}: a restore writes only into an"
                          " empty database")
    return target


def _refuse_live(info: ConnectInfo, target: ConnectInfo, named_by: str) -> None:
    """Refuse a target that is the live warehouse, however its address is spelled."""
    with psycopg.connect(info.url) as live, _connect(target) as other:
        if live.execute(_SERVER_AND_DATABASE).fetchone() == other.execute(_SERVER_AND_DATABASE).fetchone():
            raise BackupError(f"{named_by} names the live warehouse: a restore writes only into a database of its own")


def _drop_schemas(target: ConnectInfo, schemas: list[str]) -> None:
    with _connect(target, autocommit=True) as conn:
        for name in schemas:
            conn.execute(sql.SQL("drop schema if exists {} cascade").format(sql.Identifier(name)))


def _connect(target: ConnectInfo, **kwargs) -> psycopg.Connection:
    """A connection to a restore's target, refused in one line naming it."""
    try:
        return psycopg.connect(target.url, connect_timeout=10, **kwargs)
    except psycopg.OperationalError as error:
        raise BackupError(f"cannot connect to {target.redacted()}: {cause_of(error)}") from None
