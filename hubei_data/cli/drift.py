"""`hubei-data drift`: the schema drift findings (元数据漂移) harvests and landed files raised, and their diffs."""

import click

from hubei_data.cli.output import emit, format_option
from hubei_data.control.schema import connect_current


@click.group()
def drift() -> None:
    """Schema drift (元数据漂移): where a source's system table or landed file differs from its contract."""


@drift.command("list")
@click.option("--all", "resolved_too", is_flag=True, help="Resolved findings too.")
@click.option("--source", help="Only this source's findings.")
@format_option
def list_findings(resolved_too: bool, source: str | None, fmt: str) -> None:
    """Open findings (with --all every one), oldest first: one line each, with what differs."""
    from hubei_data.metadata import findings

    with connect_current() as conn:
        found = findings.listed(conn, resolved_too, source)
    emit(["id", "source", "system", "seen_in", "breaking", "found_at", "last_seen_at", "resolved_at", "diff"],
         [[f.finding_id, f.source, f.system, f.channel, "yes" if f.breaking else "no", f.found_at, f.last_seen_at,
           f.resolved_at, f.summary()] for f in found], fmt,
         empty="no drift findings" if resolved_too else "no open drift findings: every source matches its contract")


@drift.command()
@click.argument("finding_id", type=int)
@format_option
def show(finding_id: int, fmt: str) -> None:
    """One finding's diff, column by column, with where it was first and last seen and how it ended."""
    from hubei_data.metadata import findings

    with connect_current() as conn:
        try:
            finding = findings.find(conn, finding_id)
        except findings.UnknownFinding as error:
            raise click.ClickException(str(error)) from None
    state = (f"resolved {finding.resolved_at} by {finding.resolved_in}" if finding.resolved_at else "open")
    click.echo(f"finding {finding.finding_id}: source {finding.source}, system {finding.system},"
               f" seen in {finding.channel}, {'breaking' if finding.breaking else 'informational'}, {state}\n"
               f"  first seen {finding.found_at} in {finding.observed_in}\n"
               f"  last seen {finding.last_seen_at} in {finding.last_seen_in}", err=True)
    emit(["change", "column", "declared", "observed", "breaking"],
         [[d["kind"], d["column"], d["declared"], d["observed"], "yes" if d["breaking"] else "no"]
          for d in finding.diff], fmt)
