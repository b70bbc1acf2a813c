"""Every command runs as a named person within their rights: the check between reading a command and running it.

`guard` wraps each command the permission table covers (docs/permissions.md) so that it first
finds who is acting (`HUBEI_DATA_TOKEN`, else the token `hubei-data login` stored), then whether
their roles allow the command; a refusal is one line, exit code 3, and an audit row. The body of
a command finds the person in `acting()`.

Before anyone exists, the warehouse is being set up: `demo`, `db upgrade` and `db current` run as
`setup`, and then the first administrator is created and its one-time password printed, once.
"""

import functools
import getpass
import socket
from collections.abc import Callable
from contextvars import ContextVar

import click

from hubei_data import warehouse
from hubei_data.cli import credentials
from hubei_data.control.permissions import COMMAND_PERMISSION, SELF_SERVICE, Permission
from hubei_data.control.sessions import Identity, Refused
from hubei_data.storable import storable

SETTING_UP = frozenset({"hubei-data demo", "hubei-data db upgrade", "hubei-data db current"})
SETUP = Identity("setup", (), "cli", False)
REFUSED_EXIT_CODE = 3

_acting: ContextVar[Identity] = ContextVar("acting")


class CommandRefused(click.ClickException):
    """Not logged in, or not allowed: distinct from a command that failed."""

    exit_code = REFUSED_EXIT_CODE


def source() -> str:
    """Where a command comes from: the host and the operating-system user."""
    return storable(f"cli@{socket.gethostname()} ({getpass.getuser()})", 200)


def acting() -> Identity:
    """The person the running command acts as."""
    return _acting.get()


def guard(group: click.Group, path: str) -> None:
    """Put the check in front of every command under `group` that the permission table names."""
    for name, command in group.commands.items():
        full = f"{path} {name}"
        if isinstance(command, click.Group):
            guard(command, full)
        elif full in COMMAND_PERMISSION or full in SELF_SERVICE:
            command.callback = _gated(full, COMMAND_PERMISSION.get(full), command.callback)


def _gated(path: str, permission: Permission | None, body: Callable) -> Callable:
    @functools.wraps(body)
    def run(*args, **kwargs):
        identity = _identify(path, permission)
        reset = _acting.set(identity)
        try:
            return run.body(*args, **kwargs)
        finally:
            _acting.reset(reset)
            if identity is SETUP:
                _create_first_admin()

    run.body = body
    return run


def _identify(path: str, permission: Permission | None) -> Identity:
    from hubei_data.control import schema, sessions

    with warehouse.connect(autocommit=True) as conn:
        if not _anyone(conn):
            if path in SETTING_UP:
                return SETUP
            schema.require_current(conn)
            raise CommandRefused("no one can log in yet: `hubei-data demo` or `hubei-data db upgrade` sets the"
                                 " warehouse up and creates the first administrator")
        token = credentials.token()
        if token is None:
            raise CommandRefused(f"`{path}` needs you to log in first: `hubei-data login`"
                                 f" (or a service token in {credentials.TOKEN_VARIABLE})")
        try:
            identity = sessions.authenticate(conn, token, source())
            if permission is not None:
                sessions.authorize(conn, identity, permission, path, source())
        except Refused as refusal:
            raise CommandRefused(str(refusal)) from None
    return identity


def _anyone(conn) -> bool:
    from hubei_data.control import people

    if conn.execute("select to_regclass('control.people')").fetchone()[0] is None:
        return False
    return people.anyone(conn)


def _create_first_admin() -> None:
    """Once the schema is in place: the first administrator and its one-time password, shown this once."""
    from hubei_data.control import people, schema

    with warehouse.connect(autocommit=True) as conn:
        if schema.current(warehouse.connect_info()) != schema.head():
            return
        password = people.create_first_admin(conn, source())
    if password:
        click.echo(
            f"\nfirst start: the system administrator (系统管理员) is {people.FIRST_ADMIN!r},"
            f" one-time password: {password}\n"
            f"  log in with `hubei-data login {people.FIRST_ADMIN}`; the password must be changed then"
            " and is not shown again"
        )
