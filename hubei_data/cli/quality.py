"""`hubei-data quality`: what was flagged, where it came from, and why."""

import click

from hubei_data import warehouse
from hubei_data.cli.output import emit
from hubei_data.contracts import SOURCES
from hubei_data.exchange.feeds import FEEDS
from hubei_data.quality.report import ISSUE_FIELDS, issues


@click.group()
def quality() -> None:
    """Quality reports over the quarantine."""


@quality.command("issues")
@click.option(
    "--source", type=click.Choice(list(SOURCES) + [f"bureau:{f}" for f in FEEDS]),
    help="Only this source, or only what the bureau rejected in one feed.",
)
@click.option("--format", "fmt", type=click.Choice(["json", "table", "csv"]), default="json", show_default=True)
def issues_command(source: str | None, fmt: str) -> None:
    """Every flagged record: source, business key, rule, detail, batch, file and row.

    Records the national bureau rejected follow, as source `bureau:<feed>`, rule
    `bureau_rejected`, with the bureau's reason. JSON prints one object per line.
    """
    with warehouse.connect() as conn:
        exists = conn.execute("select to_regclass('quarantine.issues')").fetchone()[0]
        if exists is None:
            raise click.ClickException("nothing has been built yet: run `hubei-data demo` or `hubei-data ingest`")
        rows = ([r[f] for f in ISSUE_FIELDS] for r in issues(conn, source))
        emit(ISSUE_FIELDS, rows, fmt, empty=f"no flagged rows{f' for {source}' if source else ''}")
