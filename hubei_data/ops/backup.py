"""A backup of the warehouse: pg_dump of what nothing else can rebuild, its manifest and record, then retention.

Every backup is recorded in `ops.backups` before it starts and marked succeeded or failed when it
ends; the alerting that reads failed ones comes later. The dump and the manifest's counts and
checksums come from one snapshot, so a restore must give back exactly what the manifest says.
"""

import datetime as dt
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import psycopg

from hubei_data.control import schema
from hubei_data.ops import manifest as manifests
from hubei_data.ops import retention
from hubei_data.ops.manifest import Manifest
from hubei_data.ops.settings import BackupError, BackupSettings, cause_of, client_args, program_error
from hubei_data.warehouse import ConnectInfo

# The only copies: what was received (landing, raw) and the platform's own records. The libraries dbt
# builds from raw (staging, resource, quarantine, subject, share), the seed (reference) and the
# standards' functions (std) come back with `hubei-data build --full-refresh`; Dagster's run history
# (public) and the demo's stand-in business systems (source_systems) are not kept.
SCHEMAS = ("landing", "raw", "api", "exchange", "audit", "metric", "control", "ops")
BACKUP_ID = re.compile(r"\d{8}T\d{6}\.\d{3}Z")
_BACKUP_FILE = re.compile(
    rf"({BACKUP_ID.pattern})({re.escape(manifests.DUMP_SUFFIX)}|{re.escape(manifests.MANIFEST_SUFFIX)})"
    rf"({re.escape(manifests.PARTIAL_SUFFIX)})?"
)
_LOCK = "select pg_try_advisory_lock(hashtext('hubei_data.ops.backup'))"
# Released by the backup itself: a closed connection's server process lets go of the lock only when
# it ends, which can be after the caller has started the next backup.
_UNLOCK = "select pg_advisory_unlock(hashtext('hubei_data.ops.backup'))"


@dataclass(frozen=True)
class Made:
    """A backup just made, and the older ones retention removed after it."""

    manifest: Manifest
    path: Path
    pruned: list[str]


def run(info: ConnectInfo, settings: BackupSettings, requested_by: str) -> Made:
    """Back up the warehouse at `info` into the backup directory, record it, then apply retention.

    One backup at a time per warehouse; a failure leaves no file behind, is recorded as failed and
    raised as a BackupError naming the backup, the directory and the cause.
    """
    with psycopg.connect(info.url, autocommit=True) as conn:
        schema.require_current(conn)
        if not conn.execute(_LOCK).fetchone()[0]:
            raise BackupError("another backup of this warehouse is running")
        try:
            return _run_holding_the_lock(conn, info, settings, requested_by)
        finally:
            if not conn.broken:
                conn.execute(_UNLOCK)


def _run_holding_the_lock(conn: psycopg.Connection, info: ConnectInfo, settings: BackupSettings,
                          requested_by: str) -> Made:
    """The backup itself, while `conn` holds the one-at-a-time lock."""
    conn.execute("update ops.backups set status = 'failed', finished_at = now(),"
                 " error = 'interrupted: the process making it ended' where status = 'running'")
    _remove_leftovers(settings.directory)
    created_at = dt.datetime.now(dt.UTC)
    backup_id = f"{created_at:%Y%m%dT%H%M%S}.{created_at.microsecond // 1000:03d}Z"
    conn.execute("insert into ops.backups (backup_id, requested_by, directory, started_at, status)"
                 " values (%s, %s, %s, %s, 'running')",
                 (backup_id, requested_by, str(settings.directory), created_at))
    try:
        made = _dump(info, settings, backup_id, created_at)
    except (BackupError, OSError, psycopg.Error) as error:
        _remove_leftovers(settings.directory)
        cause = f"backup {backup_id} to {settings.directory} failed: {cause_of(error)}"
        conn.execute("update ops.backups set status = 'failed', finished_at = now(), error = %s"
                     " where backup_id = %s", (cause, backup_id))
        raise BackupError(cause) from None
    conn.execute(
        "update ops.backups set status = 'succeeded', finished_at = now(), size_bytes = %s, sha256 = %s,"
        " schema_revision = %s, tables = %s, rows = %s where backup_id = %s",
        (made.size_bytes, made.sha256, made.schema_revision, len(made.tables), made.rows, backup_id),
    )
    pruned = _prune(conn, settings)
    return Made(made, manifests.dump_path(settings.directory, backup_id), pruned)


def on_disk(directory: Path) -> dict[str, Manifest | BackupError]:
    """Every backup in the directory by id: its manifest, or why the manifest cannot be read."""
    found: dict[str, Manifest | BackupError] = {}
    for path in sorted(directory.glob(f"*{manifests.MANIFEST_SUFFIX}")):
        backup_id = path.name.removesuffix(manifests.MANIFEST_SUFFIX)
        try:
            found[backup_id] = manifests.read(path)
        except BackupError as error:
            found[backup_id] = error
    return found


def find(directory: Path, backup_id: str | None) -> Manifest:
    """The manifest of the backup named, or of the newest one when None; refused in one line when unknown."""
    if backup_id is None:
        readable = [found for found in on_disk(directory).values() if isinstance(found, Manifest)]
        if not readable:
            raise BackupError(f"no backup in {directory}: `hubei-data backup run` makes one")
        return max(readable, key=lambda found: found.created_at)
    path = manifests.manifest_path(directory, backup_id)
    if not BACKUP_ID.fullmatch(backup_id) or not path.exists():
        raise BackupError(f"no backup {backup_id!r} in {directory}: `hubei-data backup list` shows them")
    found = manifests.read(path)
    if found.backup_id != backup_id:
        raise BackupError(f"{path} describes backup {found.backup_id}, not {backup_id}")
    return found


def _dump(info: ConnectInfo, settings: BackupSettings, backup_id: str, created_at: dt.datetime) -> Manifest:
    """Dump and checksum one snapshot, then move the files into place: the manifest last, so a listed
    backup always has its whole dump."""
    settings.directory.mkdir(parents=True, exist_ok=True)
    final = manifests.dump_path(settings.directory, backup_id)
    dump = final.with_name(final.name + manifests.PARTIAL_SUFFIX)
    pg_dump = settings.program("pg_dump")
    with psycopg.connect(info.url) as snapshot, tempfile.TemporaryFile() as errors:
        snapshot.isolation_level, snapshot.read_only = psycopg.IsolationLevel.REPEATABLE_READ, True
        exported = snapshot.execute("select pg_export_snapshot()").fetchone()[0]
        present = [name for (name,) in snapshot.execute(
            "select nspname from pg_namespace where nspname = any(%s) order by nspname", (list(SCHEMAS),))]
        database, environment = client_args(info)
        process = subprocess.Popen(
            [pg_dump, "--format=custom", f"--snapshot={exported}", f"--file={dump}",
             *(f"--schema={name}" for name in present), f"--dbname={database}"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=errors, env=environment,
        )
        try:
            tables = manifests.table_sums(snapshot, present)
            (revision,) = snapshot.execute(
                f"select version_num from {schema.VERSION_SCHEMA}.{schema.VERSION_TABLE}").fetchone()
        except BaseException:
            process.kill()
            process.wait()
            raise
        if process.wait():
            errors.seek(0)
            raise BackupError(program_error(errors.read().decode(errors="replace"), "pg_dump"))
        server_version = snapshot.info.parameter_status("server_version")
    made = Manifest(
        backup_id=backup_id, created_at=created_at, database=f"{info.host}:{info.port}/{info.dbname}",
        server_version=server_version, schema_revision=revision, schemas=present, dump_file=final.name,
        size_bytes=dump.stat().st_size, sha256=manifests.sha256_of(dump), tables=tables,
    )
    manifest = manifests.manifest_path(settings.directory, backup_id)
    partial_manifest = manifest.with_name(manifest.name + manifests.PARTIAL_SUFFIX)
    manifests.write(made, partial_manifest)
    dump.rename(final)
    partial_manifest.rename(manifest)
    return made


def _prune(conn: psycopg.Connection, settings: BackupSettings) -> list[str]:
    """Remove the backups retention does not keep (manifest first, so none is ever listed without its dump)."""
    readable = {found.created_at: found for found in on_disk(settings.directory).values()
                if isinstance(found, Manifest)}
    kept = retention.keep(readable, settings.retention)
    pruned = sorted(found.backup_id for created_at, found in readable.items() if created_at not in kept)
    for backup_id in pruned:
        manifests.manifest_path(settings.directory, backup_id).unlink()
        manifests.dump_path(settings.directory, backup_id).unlink(missing_ok=True)
        conn.execute("update ops.backups set status = 'pruned', pruned_at = now() where backup_id = %s", (backup_id,))
    return pruned


def _remove_leftovers(directory: Path) -> None:
    """Partial files, and dumps whose manifest was never written, of backups that did not finish."""
    if not directory.is_dir():
        return
    for path in directory.iterdir():
        ours = _BACKUP_FILE.fullmatch(path.name)
        if ours is None:
            continue
        backup_id, suffix, partial = ours.groups()
        orphan = suffix == manifests.DUMP_SUFFIX and not manifests.manifest_path(directory, backup_id).exists()
        if partial or orphan:
            path.unlink(missing_ok=True)
