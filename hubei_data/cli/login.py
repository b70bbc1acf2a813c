"""`hubei-data login|logout|whoami|passwd|token`: acting as a named person from the command line."""

import click

from hubei_data.cli import credentials
from hubei_data.cli.gate import CommandRefused, acting, source
from hubei_data.control.schema import connect_current


@click.command()
@click.argument("username")
def login(username: str) -> None:
    """Log in; the session is kept for this warehouse until logout or the policy's idle minutes.

    A one-time or expired password must be changed here before the session may do anything.
    """
    from hubei_data.control import people, sessions

    password = click.prompt("password", hide_input=True)
    with connect_current(autocommit=True) as conn:
        try:
            token, identity = sessions.login(conn, username, password, source(), "cli")
        except sessions.Refused as refusal:
            raise CommandRefused(str(refusal)) from None
        if identity.must_change_password:
            click.echo("this password must be changed now (a one-time password, or it expired)")
            try:
                _change(conn, people, identity.username, password)
            except click.ClickException:
                sessions.logout(conn, token, source())
                raise
    path = credentials.store(token)
    click.echo(f"logged in as {identity.username} ({', '.join(identity.roles) or 'no role'}); session kept in {path}")


@click.command()
def logout() -> None:
    """End this warehouse's stored session."""
    from hubei_data.control import sessions

    token = credentials.forget()
    if token is None:
        click.echo("not logged in")
        return
    with connect_current(autocommit=True) as conn:
        sessions.logout(conn, token, source())
    click.echo("logged out")


@click.command()
def whoami() -> None:
    """Who you act as, with which roles and permissions."""
    identity = acting()
    click.echo(f"{identity.username} ({identity.kind} session)")
    click.echo(f"roles: {', '.join(identity.roles) or 'none'}")
    if identity.must_change_password:
        click.echo("the password must be changed before anything else: `hubei-data passwd`")
    else:
        click.echo("may: " + (", ".join(sorted(identity.permissions)) or "nothing"))


@click.command()
def passwd() -> None:
    """Change your password (at least the policy's length and classes, none of your last ones)."""
    from hubei_data.control import people

    current = click.prompt("current password", hide_input=True)
    with connect_current(autocommit=True) as conn:
        _change(conn, people, acting().username, current)


def _change(conn, people, username: str, current: str) -> None:
    new = click.prompt("new password", hide_input=True, confirmation_prompt="repeat the new password")
    try:
        people.change_password(conn, username, source(), current, new)
    except people.AccountError as error:
        raise click.ClickException(str(error)) from None
    click.echo("password changed")


@click.group()
def token() -> None:
    """Service tokens: act as yourself from schedules and CI, through HUBEI_DATA_TOKEN."""


@token.command("create")
@click.option("--days", type=click.IntRange(1, 366), default=30, show_default=True, help="Days the token lives.")
def create_token(days: int) -> None:
    """Print a new token acting as you; it is shown this once and stored only as a digest."""
    from hubei_data.control import sessions

    with connect_current(autocommit=True) as conn:
        try:
            value = sessions.issue_service_token(conn, acting(), source(), days)
        except sessions.Refused as refusal:
            raise CommandRefused(str(refusal)) from None
    click.echo(value)
