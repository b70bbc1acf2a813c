"""The backups an operator sees: every recorded backup and every one on disk, with its files and its last drill."""

import psycopg

from hubei_data.control import schema
from hubei_data.beijing_time import LOCAL
from hubei_data.ops import backup
from hubei_data.ops.manifest import Manifest
from hubei_data.ops.settings import BackupSettings

COLUMNS = ("backup", "started_at", "status", "size_bytes", "tables", "rows", "revision", "last_drill", "note")

_RECORDS = """
select backups.backup_id, backups.started_at, backups.status, backups.size_bytes, backups.tables, backups.rows,
       backups.schema_revision, last_drills.status || ' ' || to_char(last_drills.started_at, 'YYYY-MM-DD'),
       backups.error
from ops.backups as backups
left join lateral (
    select status, started_at from ops.drills
    where drills.backup_id = backups.backup_id and status <> 'running'
    order by started_at desc limit 1
) as last_drills on true
order by backups.started_at desc
limit %s
"""


def backups(conn: psycopg.Connection, settings: BackupSettings, limit: int) -> list[tuple]:
    """Newest first, one row per backup (`COLUMNS`): the records of this warehouse, each marked when its
    files are gone, and backups found in the directory that this warehouse has no record of."""
    schema.require_current(conn)
    found = backup.on_disk(settings.directory) if settings.directory.is_dir() else {}
    rows = []
    for backup_id, started_at, status, *counts, error in conn.execute(_RECORDS, (limit,)).fetchall():
        on_disk = isinstance(found.pop(backup_id, None), Manifest)
        missing = status == "succeeded" and not on_disk
        rows.append((backup_id, started_at.astimezone(LOCAL), "missing" if missing else status, *counts,
                     f"its files are not in {settings.directory}" if missing else error))
    for backup_id, manifest in found.items():
        if isinstance(manifest, Manifest):
            rows.append((backup_id, manifest.created_at.astimezone(LOCAL), "on disk", manifest.size_bytes,
                         len(manifest.tables), manifest.rows, manifest.schema_revision, None,
                         "not recorded in this warehouse"))
        else:
            rows.append((backup_id, None, "unreadable", None, None, None, None, None, str(manifest)))
    return sorted(rows, key=lambda row: row[0], reverse=True)
