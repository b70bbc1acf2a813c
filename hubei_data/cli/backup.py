"""`hubei-data backup`: back up the warehouse, list the backups, drill a restore, restore into a new database."""

import dataclasses
from typing import TYPE_CHECKING, NoReturn

import click

from hubei_data import warehouse
from hubei_data.cli.gate import acting, source
from hubei_data.cli.output import FORMATS, emit
from hubei_data.control.audit_chain import Action, Outcome
from hubei_data.ops.settings import BackupError, BackupSettings

if TYPE_CHECKING:
    from hubei_data.ops.drill import Result


@click.group()
def backup() -> None:
    """Backups of the warehouse (备份与恢复演练): landing, raw and the platform's own schemas, kept by a
    retention policy, restored and checked table by table."""


def _settings() -> BackupSettings:
    try:
        return BackupSettings.from_env()
    except BackupError as error:
        raise click.ClickException(str(error)) from None


def _audit(action: Action, target: str, outcome: Outcome, detail: dict) -> None:
    from hubei_data.control import audit_trail

    with warehouse.connect(autocommit=True) as conn:
        audit_trail.append(conn, acting().username, source(), action, target, outcome, detail)


@backup.command("run")
def run_backup() -> None:
    """Back up now into the backup directory, then remove the backups retention does not keep."""
    from hubei_data.ops import backup as backups

    settings = _settings()
    try:
        made = backups.run(warehouse.connect_info(), settings, acting().username)
    except BackupError as error:
        _audit(Action.BACKUP, str(settings.directory), Outcome.FAILURE, {"error": str(error)})
        raise click.ClickException(str(error)) from None
    manifest = made.manifest
    _audit(Action.BACKUP, f"backup {manifest.backup_id}", Outcome.SUCCESS, {
        "file": str(made.path), "sha256": manifest.sha256, "size_bytes": manifest.size_bytes,
        "tables": len(manifest.tables), "rows": manifest.rows, "pruned": ", ".join(made.pruned),
    })
    click.echo(f"backup {manifest.backup_id}: {', '.join(manifest.schemas)}; {len(manifest.tables)} tables,"
               f" {manifest.rows} rows, {manifest.size_bytes} bytes in {made.path}")
    if made.pruned:
        click.echo(f"removed by retention: {', '.join(made.pruned)}")


@backup.command("list")
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True, help="Recorded backups shown.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
def list_backups(limit: int, fmt: str) -> None:
    """The backups, newest first: recorded ones with their status and last drill, and any others on disk."""
    from hubei_data.ops import listing

    settings = _settings()
    with warehouse.connect() as conn:
        rows = listing.backups(conn, settings, limit)
    emit(listing.COLUMNS, rows, fmt, empty=f"no backups yet in {settings.directory}")


@backup.command()
@click.argument("backup_id", required=False)
def drill(backup_id: str | None) -> None:
    """Restore a backup (the newest by default) into a scratch database, compare every table with its
    manifest, then drop the scratch copy."""
    from hubei_data.ops import drill as drills

    settings = _settings()
    try:
        result = drills.drill(warehouse.connect_info(), settings, backup_id, acting().username)
    except BackupError as error:
        _refused(backup_id, error, {"kind": "drill"})
    _report(result, {"kind": "drill"})


@backup.command()
@click.argument("backup_id")
@click.option("--into", required=True, help="The new database to restore into; never the live warehouse.")
def restore(backup_id: str, into: str) -> None:
    """Restore a backup into a new database and compare every table with its manifest; the live warehouse
    is left alone."""
    from hubei_data.ops import drill as drills

    settings, info = _settings(), warehouse.connect_info()
    try:
        result = drills.restore(info, settings, backup_id, into, acting().username)
    except BackupError as error:
        _refused(backup_id, error, {"kind": "restore", "into": into})
    _report(result, {"kind": "restore", "into": into})
    url = dataclasses.replace(info, dbname=into).redacted()
    click.echo(f"to work on it: HUBEI_DATA_DATABASE_URL={url}, then `hubei-data db upgrade` and"
               " `hubei-data build --full-refresh` rebuild the libraries a backup leaves out")


def _refused(backup_id: str | None, error: BackupError, detail: dict) -> NoReturn:
    _audit(Action.RESTORE, f"backup {backup_id or 'newest'}", Outcome.FAILURE, {**detail, "error": str(error)})
    raise click.ClickException(str(error)) from None


def _report(result: "Result", detail: dict) -> None:
    """The outcome in the audit trail; each table that disagrees on stderr, and then one line and exit 1."""
    mismatched = [mismatch.table for mismatch in result.mismatches]
    _audit(Action.RESTORE, f"backup {result.manifest.backup_id}", Outcome.FAILURE if mismatched else Outcome.SUCCESS,
           {**detail, "target": result.target, "tables": len(result.manifest.tables),
            "mismatched": ", ".join(mismatched)})
    for mismatch in result.mismatches:
        click.echo(str(mismatch), err=True)
    if mismatched:
        raise click.ClickException(result.summary())
    click.echo(result.summary())
