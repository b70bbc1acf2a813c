"""`hubei-data audit`: check that the audit trail was not edited or cut."""

import click

from hubei_data import warehouse


@click.group()
def audit() -> None:
    """The audit trail (审计日志): every audited action, hash-chained."""


@audit.command()
def verify() -> None:
    """Walk the chain; name every row that was edited, deleted or reordered, and exit 1 if any was."""
    from hubei_data.control import audit_trail
    from hubei_data.control.schema import require_current

    with warehouse.connect() as conn:
        require_current(conn)
        rows, problems = audit_trail.check(conn)
    for problem in problems:
        click.echo(str(problem))
    if problems:
        raise click.ClickException(f"the audit trail is broken in {len(problems)} places among {rows} rows")
    click.echo(f"the audit trail holds: {rows} rows, each digest matches its row and the one before")
