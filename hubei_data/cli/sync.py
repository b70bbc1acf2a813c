"""`hubei-data sync-log`: what each build wrote into the subject and share tables."""

import click

from hubei_data import warehouse
from hubei_data.cli.output import FORMATS, emit
from hubei_data.control.schema import require_current
from hubei_data.transform import sync_log

HEADINGS = ["logged at", "run", "table", "full refresh", "inserted", "updated", "unchanged", "removed", "rows", "seconds"]


def print_sync_log(run_id: str) -> None:
    """The sync counts of one build, when it built any subject or share table."""
    with warehouse.connect() as conn:
        require_current(conn)
        rows = sync_log.entries(conn, run_id)
    if rows:
        click.echo("\nSubject and share tables (sync log):")
        emit(HEADINGS[2:], [row[2:] for row in sorted(rows, key=lambda r: r[2])], "table")


@click.command("sync-log")
@click.option("--run", "run_id", help="Only this build (a Dagster run id).")
@click.option("--limit", default=50, show_default=True)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
def sync_log_command(run_id: str | None, limit: int, fmt: str) -> None:
    """Rows each build inserted, updated, left unchanged and removed, per subject and share table."""
    with warehouse.connect() as conn:
        require_current(conn)
        rows = sync_log.entries(conn, run_id, limit)
    nothing = f"no sync log for run {run_id}" if run_id else "no build has written a subject or share table yet"
    emit(HEADINGS, rows, fmt, empty=nothing)
