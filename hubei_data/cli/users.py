"""`hubei-data user`: accounts (the system administrator) and their roles (the security administrator)."""

import click

from hubei_data.cli.gate import acting, source
from hubei_data.cli.output import FORMATS, emit
from hubei_data.control.permissions import Role
from hubei_data.control.schema import connect_current

ROLES = click.Choice([role.value for role in Role])


def _apply(change, *args):
    """Run an account change as the person acting; its refusal as one line."""
    from hubei_data.control import people

    with connect_current(autocommit=True) as conn:
        try:
            return change(conn, acting().username, source(), *args)
        except people.AccountError as error:
            raise click.ClickException(str(error)) from None


@click.group()
def user() -> None:
    """People's accounts: add, list, disable, enable, unlock, reset a password, change roles."""


@user.command()
@click.argument("username")
@click.option("--role", "roles", type=ROLES, multiple=True, required=True, help="A role (repeat for more).")
@click.option("--name", "display_name", default="", help="The person's name as shown, e.g. 张三.")
def add(username: str, roles: tuple[str, ...], display_name: str) -> None:
    """Create an account; its one-time password is printed this once and must be changed at first login."""
    from hubei_data.control import people

    password = _apply(lambda conn, actor, where: people.add(conn, actor, where, username, roles, display_name))
    click.echo(f"{username}: created with {', '.join(roles)}; one-time password: {password}")


@user.command("list")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
def list_users(fmt: str) -> None:
    """Every account, its roles and state."""
    from hubei_data.control import people

    rows = _apply(lambda conn, actor, where: people.everyone(conn))
    emit(["username", "name", "roles", "state", "password_changed_at"],
         [[p.username, p.display_name, ",".join(p.roles),
           "disabled" if p.disabled else "must change password" if p.must_change_password else "active",
           p.password_changed_at] for p in rows], fmt)


@user.command()
@click.argument("username")
def disable(username: str) -> None:
    """Disable an account; its sessions and tokens end now."""
    from hubei_data.control import people

    _apply(people.set_disabled, username, True)
    click.echo(f"{username}: disabled")


@user.command()
@click.argument("username")
def enable(username: str) -> None:
    """Enable a disabled account again."""
    from hubei_data.control import people

    _apply(people.set_disabled, username, False)
    click.echo(f"{username}: enabled")


@user.command()
@click.argument("username")
def unlock(username: str) -> None:
    """Forget an account's failed logins, so it may log in before its lock ends."""
    from hubei_data.control import people

    _apply(people.unlock, username)
    click.echo(f"{username}: unlocked")


@user.command("reset-password")
@click.argument("username")
def reset_password(username: str) -> None:
    """Give an account a new one-time password (printed this once); its sessions end."""
    from hubei_data.control import people

    password = _apply(people.reset_password, username)
    click.echo(f"{username}: one-time password: {password}")


@user.command()
@click.argument("username")
@click.option("--role", "roles", type=ROLES, multiple=True, required=True, help="A role (repeat); replaces all.")
def role(username: str, roles: tuple[str, ...]) -> None:
    """Give an existing account exactly these roles."""
    from hubei_data.control import people

    person = _apply(people.set_roles, username, roles)
    click.echo(f"{person.username}: {', '.join(person.roles)}")
