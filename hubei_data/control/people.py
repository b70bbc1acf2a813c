"""Everyone who may log in: accounts, roles and passwords, each change made with its audit row.

Every function takes an autocommit connection: a refusal's audit row is committed even though
the change is not. Administrators act on others (`add`, `set_roles`, `disable`, `unlock`, `reset_password`); a person
changes their own password with `change_password`. New and reset accounts get a one-time password
that must be changed at the first login.
"""

import datetime as dt
import re
import secrets
import string
from collections.abc import Iterable
from dataclasses import dataclass

import psycopg

from hubei_data.control import audit_trail, policy_store
from hubei_data.control.audit_chain import Action, Outcome
from hubei_data.control.passwords import check_new_password, hash_password, verify_password
from hubei_data.control.permissions import Role, SeparationOfDutiesError, check_assignment

USERNAME = re.compile(r"[a-z][a-z0-9_.-]{1,31}")
FIRST_ADMIN = "admin"


class AccountError(ValueError):
    """A change to an account that cannot be made; the message says why."""


@dataclass(frozen=True)
class Person:
    username: str
    display_name: str
    roles: tuple[str, ...]
    disabled: bool
    must_change_password: bool
    password_changed_at: dt.datetime


def valid_username(username: str) -> bool:
    return isinstance(username, str) and USERNAME.fullmatch(username) is not None


def one_time_password() -> str:
    """A random 16-character password of all four character classes, which any allowed policy accepts."""
    classes = (string.ascii_lowercase, string.ascii_uppercase, string.digits, "-_.+=#%")
    chars = [secrets.choice(chars) for chars in classes]
    chars += [secrets.choice("".join(classes)) for _ in range(12)]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)


def find(conn: psycopg.Connection, username: str) -> Person | None:
    row = conn.execute(
        "select username, display_name, roles, disabled, must_change_password, password_changed_at"
        " from control.people where username = %s", (username,),
    ).fetchone()
    return Person(row[0], row[1], tuple(row[2]), *row[3:]) if row else None


def everyone(conn: psycopg.Connection) -> list[Person]:
    rows = conn.execute(
        "select username, display_name, roles, disabled, must_change_password, password_changed_at"
        " from control.people order by username"
    ).fetchall()
    return [Person(row[0], row[1], tuple(row[2]), *row[3:]) for row in rows]


def anyone(conn: psycopg.Connection) -> bool:
    """Whether the platform has been set up: someone can log in."""
    return conn.execute("select exists (select from control.people)").fetchone()[0]


def add(conn: psycopg.Connection, actor: str, source: str, username: str, roles: Iterable[str],
        display_name: str = "") -> str:
    """Create an account with these roles; its one-time password, to hand over once."""
    roles = _checked_roles(conn, actor, source, username, roles, Action.USER_CHANGE)
    if not valid_username(username):
        _refuse(conn, actor, source, Action.USER_CHANGE, username,
                "a user name is 2–32 of a–z, 0–9, '_', '.', '-', starting with a letter")
    if find(conn, username):
        _refuse(conn, actor, source, Action.USER_CHANGE, username, f"{username} already exists")
    password = one_time_password()
    with conn.transaction():
        _insert(conn, actor, username, roles, display_name, password)
        audit_trail.append(conn, actor, source, Action.USER_CHANGE, username, Outcome.SUCCESS,
                           {"change": "created", "roles": ",".join(roles)})
    return password


def create_first_admin(conn: psycopg.Connection, source: str) -> str | None:
    """On first start, the system administrator `admin`: its one-time password, or None once anyone exists."""
    with conn.transaction():
        conn.execute("select pg_advisory_xact_lock(hashtext('hubei_data.control.people'))")
        if anyone(conn):
            return None
        password = one_time_password()
        _insert(conn, "setup", FIRST_ADMIN, (Role.SYSTEM_ADMIN.value,), "系统管理员", password)
        audit_trail.append(conn, "setup", source, Action.USER_CHANGE, FIRST_ADMIN, Outcome.SUCCESS,
                           {"change": "created the first administrator", "roles": Role.SYSTEM_ADMIN.value})
    return password


def set_roles(conn: psycopg.Connection, actor: str, source: str, username: str, roles: Iterable[str]) -> Person:
    """Give the person exactly these roles."""
    roles = _checked_roles(conn, actor, source, username, roles, Action.ROLE_CHANGE)
    if username == actor:
        _refuse(conn, actor, source, Action.ROLE_CHANGE, username, "no one may change their own roles")
    before = _existing(conn, actor, source, Action.ROLE_CHANGE, username)
    with conn.transaction():
        conn.execute("update control.people set roles = %s where username = %s", (list(roles), username))
        audit_trail.append(conn, actor, source, Action.ROLE_CHANGE, username, Outcome.SUCCESS,
                           {"before": ",".join(before.roles), "after": ",".join(roles)})
    return find(conn, username)


def set_disabled(conn: psycopg.Connection, actor: str, source: str, username: str, disabled: bool) -> None:
    """Disable an account, ending its sessions, or enable it again."""
    _existing(conn, actor, source, Action.USER_CHANGE, username)
    if disabled and username == actor:
        _refuse(conn, actor, source, Action.USER_CHANGE, username, "you cannot disable your own account")
    with conn.transaction():
        conn.execute("update control.people set disabled = %s where username = %s", (disabled, username))
        if disabled:
            _end_sessions(conn, username)
        audit_trail.append(conn, actor, source, Action.USER_CHANGE, username, Outcome.SUCCESS,
                           {"change": "disabled" if disabled else "enabled"})


def unlock(conn: psycopg.Connection, actor: str, source: str, username: str) -> None:
    """Forget the account's failed logins, so a locked account may log in now."""
    _existing(conn, actor, source, Action.USER_CHANGE, username)
    with conn.transaction():
        conn.execute("delete from control.login_failures where username = %s", (username,))
        audit_trail.append(conn, actor, source, Action.USER_CHANGE, username, Outcome.SUCCESS, {"change": "unlocked"})


def reset_password(conn: psycopg.Connection, actor: str, source: str, username: str) -> str:
    """A new one-time password for someone who forgot theirs; their sessions end."""
    _existing(conn, actor, source, Action.PASSWORD_CHANGE, username)
    password = one_time_password()
    with conn.transaction():
        _store_password(conn, username, password, must_change=True)
        conn.execute("delete from control.login_failures where username = %s", (username,))
        _end_sessions(conn, username)
        audit_trail.append(conn, actor, source, Action.PASSWORD_CHANGE, username, Outcome.SUCCESS,
                           {"change": "reset to a one-time password"})
    return password


def change_password(conn: psycopg.Connection, username: str, source: str, current: str, new: str) -> None:
    """A person sets their own password: the current one must match and the new one pass the policy."""
    row = conn.execute("select password_hash from control.people where username = %s", (username,)).fetchone()
    if row is None or not verify_password(row[0], current).ok:
        _refuse(conn, username, source, Action.PASSWORD_CHANGE, username, "the current password is wrong")
    history = [h for (h,) in conn.execute(
        "select password_hash from control.password_history where username = %s order by set_at desc", (username,)
    )]
    reasons = check_new_password(policy_store.load(conn), new, history, username)
    if reasons:
        _refuse(conn, username, source, Action.PASSWORD_CHANGE, username, "the new password cannot be used: " + "; ".join(reasons))
    with conn.transaction():
        _store_password(conn, username, new, must_change=False)
        audit_trail.append(conn, username, source, Action.PASSWORD_CHANGE, username, Outcome.SUCCESS,
                           {"change": "changed by its owner"})


def _insert(conn, actor: str, username: str, roles, display_name: str, password: str) -> None:
    now, digest = dt.datetime.now(dt.UTC), hash_password(password)
    conn.execute(
        "insert into control.people (username, display_name, roles, password_hash, password_changed_at, created_by)"
        " values (%s, %s, %s, %s, %s, %s)",
        (username, display_name, list(roles), digest, now, actor),
    )
    conn.execute("insert into control.password_history values (%s, %s, %s)", (username, digest, now))


def _store_password(conn, username: str, password: str, must_change: bool) -> None:
    now = dt.datetime.now(dt.UTC)
    digest = hash_password(password)
    conn.execute(
        "update control.people set password_hash = %s, password_changed_at = %s, must_change_password = %s"
        " where username = %s", (digest, now, must_change, username),
    )
    conn.execute("insert into control.password_history values (%s, %s, %s)", (username, digest, now))


def _end_sessions(conn, username: str) -> None:
    conn.execute("update control.sessions set ended_at = now() where username = %s and ended_at is null", (username,))


def _existing(conn, actor: str, source: str, action: Action, username: str) -> Person:
    person = find(conn, username) if valid_username(username) else None
    if person is None:
        _refuse(conn, actor, source, action, username, f"no account {username!r}")
    return person


def _checked_roles(conn, actor: str, source: str, username: str, roles: Iterable[str], action: Action) -> tuple:
    roles = tuple(dict.fromkeys(roles))
    unknown = [role for role in roles if role not in Role.__members__.values()]
    if unknown:
        _refuse(conn, actor, source, action, username,
                f"no role {', '.join(map(repr, unknown))}; the roles are {', '.join(Role)}")
    try:
        check_assignment(roles)
    except SeparationOfDutiesError as error:
        _refuse(conn, actor, source, action, username, str(error))
    return roles


def _refuse(conn, actor: str, source: str, action: Action, target: str, reason: str):
    audit_trail.append(conn, actor, source, action, target, Outcome.FAILURE, {"refused": reason})
    raise AccountError(reason)
