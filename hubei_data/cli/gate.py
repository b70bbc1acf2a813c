"""Every command runs as a named person within their rights: the check between reading a command and running it.

`guard` wraps each command the permission table covers (docs/permissions.md) so that it first
finds who is acting (`HUBEI_DATA_TOKEN`, else the token `hubei-data login` stored), then whether
their roles allow the command; a refusal is one line, exit code 3, and an audit row. The body of
a command finds the person in `acting()`. Commands that launch runs, change configuration or
export data are recorded with their options and outcome when they end.

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
from hubei_data.control.audit_chain import Action, Outcome
from hubei_data.control.permissions import COMMAND_PERMISSION, SELF_SERVICE, Permission
from hubei_data.control.sessions import Identity, Refused
from hubei_data.storable import storable

SETTING_UP = frozenset({"hubei-data demo", "hubei-data db upgrade", "hubei-data db current"})
SETUP = Identity("setup", (), "cli", False)
# Commands whose running is itself an audited event (commands that audit in more detail do it themselves).
AUDITED = {
    Permission.BUILD_RUN: Action.RUN_LAUNCH, Permission.BACKFILL_RUN: Action.RUN_LAUNCH,
    Permission.RUN_LAUNCH: Action.RUN_LAUNCH, Permission.RUN_TERMINATE: Action.RUN_TERMINATE,
    Permission.PUSH_RUN: Action.RUN_LAUNCH, Permission.SCHEMA_MIGRATE: Action.CONFIG_CHANGE,
    Permission.CONFIG_CHANGE: Action.CONFIG_CHANGE, Permission.QUALITY_RULE_CHANGE: Action.CONFIG_CHANGE,
    Permission.METADATA_HARVEST: Action.RUN_LAUNCH,
}
EXPORTS = frozenset({"hubei-data catalog export", "hubei-data quality rows"})
REFUSED_EXIT_CODE = 3

_acting: ContextVar[Identity] = ContextVar("acting")
_noted: ContextVar[dict] = ContextVar("noted")


class CommandRefused(click.ClickException):
    """Not logged in, or not allowed: distinct from a command that failed."""

    exit_code = REFUSED_EXIT_CODE


def source() -> str:
    """Where a command comes from: the host and the operating-system user."""
    return storable(f"cli@{socket.gethostname()} ({getpass.getuser()})", 200)


def acting() -> Identity:
    """The person the running command acts as."""
    return _acting.get()


def acting_username() -> str | None:
    """Who the running command acts as; None when its code runs outside a command (from Python)."""
    identity = _acting.get(None)
    return identity.username if identity else None


def note(**detail) -> None:
    """Add to the running command's own audit row what only its body knows (the run it queued, why it failed)."""
    _noted.get().update(detail)


def guard(group: click.Group, path: str) -> None:
    """Put the check in front of every command under `group` that the permission table names."""
    for name, command in group.commands.items():
        full = f"{path} {name}"
        if isinstance(command, click.Group):
            guard(command, full)
        elif full in COMMAND_PERMISSION or full in SELF_SERVICE:
            command.callback = _gated(full, COMMAND_PERMISSION.get(full), command.callback)


def _gated(path: str, permission: Permission | None, body: Callable) -> Callable:
    action = Action.DATA_EXPORT if path in EXPORTS else AUDITED.get(permission)

    @functools.wraps(body)
    def run(*args, **kwargs):
        identity = _identify(path, permission)
        if action is not None:
            _can_record()
        reset = _acting.set(identity)
        noted: dict = {}
        reset_noted = _noted.set(noted)
        outcome = Outcome.FAILURE
        try:
            result = run.body(*args, **kwargs)
            outcome = Outcome.SUCCESS
            return result
        finally:
            _acting.reset(reset)
            _noted.reset(reset_noted)
            if identity is SETUP:
                _create_first_admin()
            if action is not None:
                _record(identity, action, path, outcome, {**kwargs, **noted})

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


def _can_record() -> None:
    """Refuse, before anything runs, a command whose end could not be written to the audit trail."""
    from hubei_data.control import crypto

    try:
        crypto.profile()
    except crypto.ProfileError as error:
        raise click.ClickException(str(error)) from None


def _record(identity: Identity, action: Action, path: str, outcome: Outcome, options: dict) -> None:
    """The command, its options and how it ended, in the audit trail (once a setup got as far as making it)."""
    from hubei_data.control import audit_trail

    detail = {name: value if isinstance(value, str | int | bool) or value is None else str(value)
              for name, value in options.items()}
    with warehouse.connect(autocommit=True) as conn:
        if conn.execute("select to_regclass('control.audit_trail')").fetchone()[0] is not None:
            audit_trail.append(conn, identity.username, source(), action, path, outcome, detail)


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
