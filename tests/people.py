"""People for tests: one account per role in a warehouse, each with a service token to act as it."""

import functools

import psycopg

from hubei_data.control import people, sessions
from hubei_data.control.permissions import COMMAND_PERMISSION, Permission, Role

PASSWORD = "Test-passw0rd"
TOKEN_VARIABLE = "HUBEI_DATA_TOKEN"


def person(target, role: Role | str, username: str | None = None, password: str = PASSWORD) -> str:
    """Make (once) an account holding `role` whose password is `password`, already changed from its
    one-time one, in the warehouse at `target` (a ConnectInfo or URL); its user name."""
    url = target if isinstance(target, str) else target.url
    username = username or f"t_{Role(role).value}"[:32]
    with psycopg.connect(url, autocommit=True) as conn:
        if people.find(conn, username) is None:
            first = people.add(conn, "tests", "tests", username, [Role(role).value])
            people.change_password(conn, username, "tests", first, password)
    return username


def token(target, role: Role | str) -> str:
    """A service token acting as the test account holding `role`; one per warehouse and role."""
    return _token(target if isinstance(target, str) else target.url, Role(role))


@functools.cache
def _token(url: str, role: Role) -> str:
    username = person(url, role)
    with psycopg.connect(url, autocommit=True) as conn:
        identity = sessions.Identity(username, (Role(role).value,), "cli", False)
        return sessions.issue_service_token(conn, identity, "tests", 1)


def role_for(permission: Permission) -> Role:
    """A built-in role that holds the permission, preferring the narrowest."""
    return min((role for role in Role if permission in role.permissions), key=lambda role: len(role.permissions))


def command_path(args) -> str:
    """`hubei-data api consumer create` for the arguments `api consumer create NAME …`."""
    from hubei_data.cli import main

    path, command = ["hubei-data"], main
    for arg in args:
        if not hasattr(command, "commands") or arg not in command.commands:
            break
        path.append(arg)
        command = command.commands[arg]
    return " ".join(path)


def token_for(target, args) -> str | None:
    """A token of a role allowed to run the command these arguments name; None when it needs none, or
    when the warehouse has no accounts to hold one (before its first `db upgrade`)."""
    permission = COMMAND_PERMISSION.get(command_path(args))
    url = target if isinstance(target, str) else target.url
    with psycopg.connect(url) as conn:
        set_up = conn.execute("select to_regclass('control.people') is not null").fetchone()[0]
    return token(url, role_for(permission)) if permission and set_up else None


def invoke(args, target=None, **kwargs):
    """Run the command in this process, as a person whose role allows it, in the warehouse at `target`
    (by default the one this process uses)."""
    from click.testing import CliRunner

    from hubei_data import warehouse
    from hubei_data.cli import main

    found = token_for(target or warehouse.connect_info(), args)
    return CliRunner(env={TOKEN_VARIABLE: found} if found else {}).invoke(main, args, **kwargs)
