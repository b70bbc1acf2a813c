"""Logging in and being someone: sessions from a password, tokens for schedules, and the check at every entry point.

A token is shown once and only its SHA-256 digest is stored, so a copy of the database logs no one
in. Web and CLI sessions end after the policy's idle minutes; service tokens (for schedules and CI)
at the expiry they were made with. Every refusal is written to the audit trail before it is raised.
Functions take an autocommit connection.
"""

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass
from functools import cache
from typing import Literal

import psycopg

from hubei_data.control import audit_trail, policy_store
from hubei_data.control.audit_chain import Action, Outcome
from hubei_data.control.passwords import HASHER, expired, locked_until, session_expired, verify_password
from hubei_data.control.people import valid_username
from hubei_data.control.permissions import Permission, permissions_of

TOKEN = re.compile(r"hd_[A-Za-z0-9_-]{43}")
WRONG = "wrong user name or password"
# A session's last activity is written at most this often: a page loads dozens of assets at once.
_TOUCH_EVERY = dt.timedelta(seconds=30)
MAX_SERVICE_DAYS = 366

Kind = Literal["web", "cli", "service"]


class Refused(PermissionError):
    """Someone could not log in or act; `status` is the HTTP status that says so (401 who, 403 what)."""

    status = 401


class Denied(Refused):
    status = 403


@dataclass(frozen=True)
class Identity:
    """Who is acting, with which roles, through which kind of session."""

    username: str
    roles: tuple[str, ...]
    kind: Kind
    must_change_password: bool

    @property
    def permissions(self) -> frozenset[Permission]:
        return permissions_of(self.roles)

    def may(self, permission: Permission) -> bool:
        return not self.must_change_password and Permission(permission) in self.permissions


@cache
def _dummy_hash() -> str:
    """Verified against when the user name is unknown, so an unknown name takes as long as a wrong password; made
    when first needed, as hashing takes a tenth of a second and every command imports this module."""
    return HASHER.hash("not anyone's password")


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def login(conn: psycopg.Connection, username: str, password: str, source: str, kind: Kind,
          now: dt.datetime | None = None) -> tuple[str, Identity]:
    """A new session's token and who it is; `Refused` with the reason, after its audit row, otherwise."""
    now = now or dt.datetime.now(dt.UTC)
    row = conn.execute(
        "select password_hash, roles, disabled, must_change_password, password_changed_at from control.people"
        " where username = %s", (username,),
    ).fetchone() if valid_username(username) else None
    if row is None:
        verify_password(_dummy_hash(), password)
        _refuse_login(conn, username, source, "no such account", WRONG)
    stored, roles, disabled, must_change, changed_at = row
    policy = policy_store.load(conn)
    failures = [at for (at,) in conn.execute(
        "select at from control.login_failures where username = %s", (username,))]
    if until := locked_until(policy, failures, now):
        _refuse_login(conn, username, source, "locked", f"the account is locked until {until:%Y-%m-%d %H:%M} UTC")
    if disabled:
        _refuse_login(conn, username, source, "disabled", "the account is disabled")
    verified = verify_password(stored, password)
    if not verified.ok:
        conn.execute("insert into control.login_failures values (%s, %s)", (username, now))
        if until := locked_until(policy, [*failures, now], now):
            audit_trail.append(conn, username, source, Action.LOCKOUT, username, Outcome.SUCCESS,
                               {"failures": policy.lockout_attempts, "until": until.isoformat()})
            _refuse_login(conn, username, source, "wrong password",
                          f"{WRONG}; after {policy.lockout_attempts} failures the account is locked until"
                          f" {until:%Y-%m-%d %H:%M} UTC")
        _refuse_login(conn, username, source, "wrong password", WRONG)
    token = "hd_" + secrets.token_urlsafe(32)
    must_change = must_change or expired(policy, changed_at, now)
    with conn.transaction():
        conn.execute("delete from control.login_failures where username = %s", (username,))
        if verified.rehashed:
            conn.execute("update control.people set password_hash = %s where username = %s",
                         (verified.rehashed, username))
        conn.execute(
            "insert into control.sessions (token_digest, username, kind, source, created_at, last_seen)"
            " values (%s, %s, %s, %s, %s, %s)", (token_digest(token), username, kind, source, now, now),
        )
        audit_trail.append(conn, username, source, Action.LOGIN, username, Outcome.SUCCESS,
                           {"kind": kind, "must_change_password": must_change})
    return token, Identity(username, tuple(roles), kind, must_change)


def authenticate(conn: psycopg.Connection, token: str, source: str, now: dt.datetime | None = None) -> Identity:
    """Who holds this token, now; `Refused` (with an audit row) for a forged, ended, idle or expired one."""
    now = now or dt.datetime.now(dt.UTC)
    if not isinstance(token, str) or not TOKEN.fullmatch(token):
        _refuse_session(conn, "unknown", source, "malformed token", "not logged in: that is not a session token")
    digest = token_digest(token)
    row = conn.execute(
        "select s.username, s.kind, s.last_seen, s.expires_at, s.ended_at, p.roles, p.disabled,"
        " p.must_change_password, p.password_changed_at"
        " from control.sessions s join control.people p using (username) where s.token_digest = %s", (digest,),
    ).fetchone()
    if row is None:
        _refuse_session(conn, "unknown", source, "unknown token", "not logged in: the token is unknown")
    username, kind, last_seen, expires_at, ended_at, roles, disabled, must_change, changed_at = row
    policy = policy_store.load(conn)
    if ended_at is not None:
        _refuse_session(conn, username, source, "ended", "the session has ended: log in again")
    if disabled:
        _refuse_session(conn, username, source, "disabled", "the account is disabled")
    if kind == "service" and now >= expires_at:
        _refuse_session(conn, username, source, "token expired", f"the token expired at {expires_at:%Y-%m-%d %H:%M} UTC")
    if kind != "service" and session_expired(policy, last_seen, now):
        conn.execute("update control.sessions set ended_at = %s where token_digest = %s", (now, digest))
        _refuse_session(conn, username, source, "idle",
                        f"the session ended after {policy.idle_minutes} idle minutes: log in again")
    if now - last_seen >= _TOUCH_EVERY:
        conn.execute("update control.sessions set last_seen = %s where token_digest = %s", (now, digest))
    return Identity(username, tuple(roles), kind, must_change or expired(policy, changed_at, now))


def refuse_anonymous(conn: psycopg.Connection, source: str, operation: str):
    """Refuse, with its audit row, a request that names no one."""
    _refuse_session(conn, "unknown", source, f"no token for {operation}", "not logged in: send a bearer token")


def authorize_bearer(conn: psycopg.Connection, header: str | None, permission: Permission, operation: str,
                     source: str) -> Identity:
    """The person an `Authorization: Bearer …` header names, when their roles allow the operation; `Refused`
    (with its audit row) for no header, another scheme, or a token that does not hold."""
    scheme, _, token = (header or "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        refuse_anonymous(conn, source, operation)
    identity = authenticate(conn, token.strip(), source)
    authorize(conn, identity, permission, operation, source)
    return identity


def logout(conn: psycopg.Connection, token: str, source: str) -> bool:
    """End the session; whether there was one to end."""
    if not isinstance(token, str) or not TOKEN.fullmatch(token):
        return False
    with conn.transaction():
        row = conn.execute(
            "update control.sessions set ended_at = now() where token_digest = %s and ended_at is null"
            " returning username, kind", (token_digest(token),),
        ).fetchone()
        if row:
            audit_trail.append(conn, row[0], source, Action.LOGOUT, row[0], Outcome.SUCCESS, {"kind": row[1]})
    return row is not None


def issue_service_token(conn: psycopg.Connection, identity: Identity, source: str, days: int,
                        now: dt.datetime | None = None) -> str:
    """A token acting as this person for `days`, for schedules and CI; shown once."""
    now = now or dt.datetime.now(dt.UTC)
    if identity.must_change_password:
        _deny(conn, identity, source, "service token", "change your password first")
    if not 1 <= days <= MAX_SERVICE_DAYS:
        raise ValueError(f"a service token lives 1–{MAX_SERVICE_DAYS} days, not {days}")
    token = "hd_" + secrets.token_urlsafe(32)
    expires = now + dt.timedelta(days=days)
    with conn.transaction():
        conn.execute(
            "insert into control.sessions (token_digest, username, kind, source, created_at, last_seen, expires_at)"
            " values (%s, %s, 'service', %s, %s, %s, %s)",
            (token_digest(token), identity.username, source, now, now, expires),
        )
        audit_trail.append(conn, identity.username, source, Action.TOKEN_ISSUE, identity.username, Outcome.SUCCESS,
                           {"expires": expires.isoformat()})
    return token


def authorize(conn: psycopg.Connection, identity: Identity, permission: Permission, target: str, source: str) -> None:
    """Return when the person may perform the operation; otherwise write the denial and raise `Denied`."""
    if identity.must_change_password:
        _deny(conn, identity, source, target, "change your password first (hubei-data passwd)", permission)
    if not identity.may(permission):
        roles = ", ".join(identity.roles) or "no role"
        _deny(conn, identity, source, target, f"{identity.username} ({roles}) may not {permission.meaning}"
              f" [{permission}]", permission)


def _deny(conn, identity: Identity, source: str, target: str, reason: str, permission: Permission | None = None):
    detail = {"refused": reason} | ({"permission": str(permission)} if permission else {})
    audit_trail.append(conn, identity.username, source, Action.ACCESS, target, Outcome.DENIED, detail)
    raise Denied(reason)


def _refuse_login(conn, username: str, source: str, why: str, message: str):
    audit_trail.append(conn, username, source, Action.LOGIN_FAILED, username, Outcome.FAILURE, {"reason": why})
    raise Refused(message)


def _refuse_session(conn, username: str, source: str, why: str, message: str):
    audit_trail.append(conn, username, source, Action.SESSION_REFUSED, username, Outcome.DENIED, {"reason": why})
    raise Refused(message)
