"""`hubei-data audit`: check, search and export the audit trail (审计日志)."""

import datetime as dt
from pathlib import Path

import click

from hubei_data.cli.gate import acting, source
from hubei_data.cli.output import FORMATS, emit
from hubei_data.control.audit_chain import Action, Outcome
from hubei_data.control.schema import connect_current

DAY = click.DateTime(["%Y-%m-%d"])


@click.group()
def audit() -> None:
    """The audit trail (审计日志): every audited action, hash-chained, kept without end."""


def _filters(since, until, actor, action, outcome, target):
    from hubei_data.beijing_time import LOCAL
    from hubei_data.control.audit_search import Filters

    def day(value):
        return value.replace(tzinfo=LOCAL) if value else None

    return Filters(day(since), day(until) + dt.timedelta(days=1) if until else None, actor, action, outcome, target)


def _filter_options(command):
    for option in reversed([
        click.option("--since", type=DAY, help="First day (Beijing time)."),
        click.option("--until", type=DAY, help="Last day, included."),
        click.option("--actor", help="Who acted (a user name)."),
        click.option("--action", type=click.Choice([a.value for a in Action])),
        click.option("--outcome", type=click.Choice([o.value for o in Outcome])),
        click.option("--target", help="Part of the object acted on."),
    ]):
        command = option(command)
    return command


@audit.command()
def verify() -> None:
    """Walk the chain; name every row that was edited, deleted or reordered, and exit 1 if any was."""
    from hubei_data import roles
    from hubei_data.control import audit_trail

    with connect_current(autocommit=True) as conn:
        rows, problems = audit_trail.check(conn)
        sealed = roles.audit_trail_sealed(conn)
    if not sealed:
        click.echo(f"warning: the platform's own role owns the audit trail and could change it; hand it to"
                   f" {roles.KEEPER} with the SQL in docs/roles.md", err=True)
    for problem in problems:
        click.echo(str(problem))
    if problems:
        raise click.ClickException(f"the audit trail is broken in {len(problems)} places among {rows} rows")
    click.echo(f"the audit trail holds: {rows} rows, each digest matches its row and the one before")


@audit.command()
@_filter_options
@click.option("--limit", type=click.IntRange(1, 100_000), default=100, show_default=True)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
def search(since, until, actor, action, outcome, target, limit: int, fmt: str) -> None:
    """The newest matching events, newest first."""
    from hubei_data.control import audit_search

    with connect_current(autocommit=True) as conn:
        rows = audit_search.search(conn, _filters(since, until, actor, action, outcome, target), limit)
    columns = [key for key, _ in audit_search.TRAIL_COLUMNS if key != "digest"]
    emit(columns, [[row[key] for key in columns] for row in rows], fmt, empty="no matching audit events")


@audit.command()
@_filter_options
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="An .xlsx file.")
def export(since, until, actor, action, outcome, target, output: Path) -> None:
    """Write the matching events, and the data API's calls of the same days, to an XLSX workbook."""
    from hubei_data.control import audit_search, audit_trail

    if output.suffix.lower() != ".xlsx":
        raise click.ClickException(f"{output}: the export is a workbook; name it ….xlsx")
    filters = _filters(since, until, actor, action, outcome, target)
    with connect_current(autocommit=True) as conn:
        try:
            events, calls = audit_search.export(conn, filters, output)
        except OSError as error:
            audit_trail.append(conn, acting().username, source(), Action.DATA_EXPORT, "audit trail", Outcome.FAILURE,
                               {"file": str(output), "error": str(error)})
            raise click.ClickException(f"{output}: {error.strerror or error}") from None
        audit_trail.append(conn, acting().username, source(), Action.DATA_EXPORT, "audit trail", Outcome.SUCCESS,
                           {"file": str(output.resolve()), "events": events, "api_calls": calls})
    click.echo(f"{output}: {events} audit events and {calls} data API calls")
