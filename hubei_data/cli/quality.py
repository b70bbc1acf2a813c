"""`hubei-data quality`: what was flagged, where it came from and why; the rectification tickets that follow it."""

import datetime as dt
from pathlib import Path

import click

from hubei_data import warehouse
from hubei_data.cli.output import emit, format_option
from hubei_data.beijing_time import LOCAL
from hubei_data.control.schema import connect_current
from hubei_data.contracts import SOURCES
from hubei_data.exchange.feeds import FEEDS
from hubei_data.quality.report import ISSUE_FIELDS, issues


@click.group()
def quality() -> None:
    """Quality reports over the quarantine, and rectification tickets (整改工单)."""


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


@quality.command("tickets")
@click.option("--stage", type=click.Choice(["new", "acknowledged", "in_progress", "resolved"]),
              help="Only tickets at this stage.")
@click.option("--source", type=click.Choice(list(SOURCES)), help="Only this source's tickets.")
@format_option
def tickets_command(stage: str | None, source: str | None, fmt: str) -> None:
    """Rectification tickets (整改工单), open ones first by due date: one per source and rule, with the rows
    affected, the owner and vendor, and how long response and resolution took."""
    from hubei_data.quality import tickets

    with connect_current() as conn:
        held = tickets.listed(conn, stage, source)
    emit(["id", "origin", "source", "rule", "stage", "resolution", "rows", "owner", "vendor", "opened", "due",
          "overdue", "responded_in", "resolved_in", "reopened"],
         [[t.ticket_id, t.origin, t.source, t.rule, t.stage, t.resolution, t.affected_rows, t.owner, t.vendor,
           _minute(t.opened_at), _minute(t.due_at), "yes" if t.overdue else "no", _took(t.opened_at, t.acknowledged_at),
           _took(t.opened_at, t.resolved_at), t.reopened] for t in held], fmt,
         empty="no quality tickets" + (f" at stage {stage}" if stage else "") + (f" for {source}" if source else ""))


@quality.command("ticket")
@click.argument("ticket_id", type=int)
@format_option
def ticket_command(ticket_id: int, fmt: str) -> None:
    """One ticket and every step it took: who moved it, from which stage to which, why."""
    from hubei_data.quality import tickets

    with connect_current() as conn:
        try:
            ticket, taken = tickets.one(conn, ticket_id), tickets.steps(conn, ticket_id)
        except tickets.TicketError as error:
            raise click.ClickException(str(error)) from None
    click.echo(f"ticket {ticket.ticket_id}: {ticket.source} / {ticket.rule}, {ticket.stage}"
               f"{f' ({ticket.resolution})' if ticket.resolution else ''}, {ticket.affected_rows} rows\n"
               + (f"  reported by {ticket.reporter}{f' on record {ticket.record_key}' if ticket.record_key else ''}:"
                  f" {ticket.report}\n" if ticket.origin == "report" else "")
               + f"  system {ticket.system or '-'}, owner {ticket.owner}, vendor {ticket.vendor or '-'}\n"
               f"  rows received {_minute(ticket.first_seen)} to {_minute(ticket.last_seen)};"
               f" opened {_minute(ticket.opened_at)}, due {_minute(ticket.due_at)}", err=True)
    emit(["at", "actor", "from", "to", "resolution", "rows", "comment"],
         [[_minute(at), *rest] for at, *rest in taken], fmt)


@quality.command("profile")
@click.argument("source", type=click.Choice(list(SOURCES)))
@format_option
def profile_command(source: str, fmt: str) -> None:
    """The latest column profile (数据剖析) of a source's resource table, against the builds before it: null rate
    beside the highest of them, distinct values beside the fewest, range, lengths, top values, and what jumped."""
    from hubei_data.quality import profile_jumps, profiles

    with connect_current() as conn:
        latest = profiles.latest(conn, f"resource.{source}")
        history = {p.column_name: profiles.before(conn, p) for p in latest}
    if latest:
        click.echo(f"resource.{source}: {latest[0].rows} rows, profiled {_minute(latest[0].at)}"
                   f" (run {latest[0].run_id}) against {max(map(len, history.values()))} builds before", err=True)
    emit(["column", "nulls", "null_rate", "null_rate_before", "distinct", "distinct_before", "min", "max",
          "min_length", "max_length", "top_values", "jumped"],
         [[p.column_name, p.nulls, f"{p.null_rate:.1%}",
           f"{max(h.null_rate for h in history[p.column_name]):.1%}" if history[p.column_name] else None,
           p.distinct_values, min((h.distinct_values for h in history[p.column_name]), default=None),
           p.min_value, p.max_value, p.min_length, p.max_length,
           ", ".join(f"{top['value']} ({top['rows']})" for top in p.top_values),
           ", ".join(jump.metric for jump in profile_jumps.jumps(p, history[p.column_name]))]
          for p in latest], fmt,
         empty=f"resource.{source} has not been profiled yet: a build that touches it profiles it")


@quality.command("move")
@click.argument("ticket_id", type=int)
@click.argument("stage", type=click.Choice(["acknowledged", "in_progress", "resolved"]))
@click.option("--reason", type=click.Choice(["fixed_at_source", "false_positive", "accepted"]),
              help="Why it is resolved (only with `resolved`).")
@click.option("--comment", help="A note kept with the step.")
def move_command(ticket_id: int, stage: str, reason: str | None, comment: str | None) -> None:
    """Move a ticket on: acknowledge it, start work on it, or resolve it with a reason."""
    from hubei_data.cli.gate import acting, source
    from hubei_data.control.audit_trail import Actor
    from hubei_data.quality import tickets

    with connect_current(autocommit=True) as conn:
        try:
            ticket = tickets.move(conn, Actor(acting().username, source()), ticket_id, stage, reason, comment)
        except tickets.TicketError as error:
            raise click.ClickException(str(error)) from None
    click.echo(f"ticket {ticket.ticket_id} is now {ticket.stage}"
               f"{f' ({ticket.resolution})' if ticket.resolution else ''}")


@quality.command("rows")
@click.argument("ticket_id", type=int)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The XLSX workbook to write.")
def rows_command(ticket_id: int, output: Path) -> None:
    """The rows behind a ticket as an XLSX workbook for the owner and vendor: key, what is wrong, file and row."""
    from hubei_data.quality import defects, tickets
    from hubei_data.quality.ticket_rows import workbook

    with connect_current() as conn:
        try:
            ticket = tickets.one(conn, ticket_id)
        except tickets.TicketError as error:
            raise click.ClickException(str(error)) from None
        if ticket.origin == "report":
            raise click.ClickException(f"ticket {ticket_id} is a problem {ticket.reporter} reported on"
                                       f" {ticket.source}{f' record {ticket.record_key}' if ticket.record_key else ''}:"
                                       " it has no flagged rows; `hubei-data quality ticket` shows the report")
        if ticket.origin == "check":
            raise click.ClickException(f"ticket {ticket_id} is the failing check {ticket.rule} of {ticket.source}:"
                                       " it has no flagged rows; the check's evaluation in the Dagster UI says why")
        found = defects.rows(conn, ticket.source, ticket.rule)
    try:
        output.write_bytes(workbook(ticket, found))
    except OSError as error:
        raise click.ClickException(f"{output}: cannot write the workbook: {error.strerror}") from None
    click.echo(f"{output}: {len(found)} rows of ticket {ticket_id} ({ticket.source} / {ticket.rule})")


def _minute(moment: dt.datetime | None) -> str | None:
    return moment.astimezone(LOCAL).strftime("%Y-%m-%d %H:%M") if moment else None


def _took(start: dt.datetime, end: dt.datetime | None) -> str | None:
    if end is None:
        return None
    hours = (end - start).total_seconds() / 3600
    return f"{hours:.1f} h"


@quality.command("report")
@click.argument("dataset")
@click.option("--problem", required=True, help="What is wrong, in a sentence or two.")
@click.option("--key", "record_key", help="The business key of the one record concerned.")
def report_command(dataset: str, problem: str, record_key: str | None) -> None:
    """Report a problem with a share dataset, or one record of it (数据质量反馈): a ticket for its provider."""
    from hubei_data.api.spec import DATASETS
    from hubei_data.catalog.models import table_name
    from hubei_data.cli.gate import acting, source
    from hubei_data.control.audit_trail import Actor
    from hubei_data.quality import tickets

    found = DATASETS.get(dataset)
    if found is None:
        raise click.ClickException(f"no share dataset {dataset!r}: the datasets are {', '.join(DATASETS)}")
    if not problem.strip() or len(problem) > 500:
        raise click.ClickException("--problem says what is wrong in at most 500 characters")
    with connect_current(autocommit=True) as conn:
        ticket = tickets.report(conn, Actor(acting().username, source()), table_name(found), found.provider,
                                problem, record_key)
    click.echo(f"ticket {ticket.ticket_id} opened for {ticket.owner}; `hubei-data quality reported"
               f" {ticket.ticket_id}` shows how it stands")


@quality.command("reported")
@click.argument("ticket_id", type=int, required=False)
@format_option
def reported_command(ticket_id: int | None, fmt: str) -> None:
    """The problems you reported and how each stands (only yours)."""
    from hubei_data.cli.gate import acting
    from hubei_data.quality import tickets

    with connect_current() as conn:
        try:
            held = tickets.reported(conn, acting().username, ticket_id)
        except tickets.TicketError as error:
            raise click.ClickException(str(error)) from None
    emit(["id", "dataset", "record", "problem", "stage", "resolution", "owner", "opened", "due", "resolved"],
         [[t.ticket_id, t.source, t.record_key, t.report, t.stage, t.resolution, t.owner, _minute(t.opened_at),
           _minute(t.due_at), _minute(t.resolved_at)] for t in held], fmt, empty="you have reported no problems")
