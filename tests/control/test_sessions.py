"""Logging in and staying logged in, against a real warehouse: every refusal is clear, audited and changes nothing."""

import datetime as dt

import psycopg
import pytest

from hubei_data.control import people, policy_store, sessions
from hubei_data.control.permissions import Permission

PASSWORD = "Right-passw0rd"


@pytest.fixture
def conn(migrated_database):
    with psycopg.connect(migrated_database("sessions").url, autocommit=True) as connection:
        yield connection


def _person(conn, username="zhang", roles=("operator",), password=PASSWORD) -> str:
    first = people.add(conn, "tests", "tests", username, roles)
    people.change_password(conn, username, "tests", first, password)
    return username


def _trail(conn, since: int = 0) -> list[tuple]:
    return conn.execute("select actor, action, outcome, detail ->> 'reason' from control.audit_trail"
                        " where seq > %s order by seq", (since,)).fetchall()


def _last_seq(conn) -> int:
    return conn.execute("select coalesce(max(seq), 0) from control.audit_trail").fetchone()[0]


def test_the_right_password_opens_a_session_only_its_digest_is_kept(conn):
    _person(conn)
    token, identity = sessions.login(conn, "zhang", PASSWORD, "web@10.0.0.1", "web")
    assert identity == sessions.Identity("zhang", ("operator",), "web", False)
    assert sessions.authenticate(conn, token, "web@10.0.0.1") == identity
    stored = conn.execute("select token_digest from control.sessions").fetchall()
    assert stored == [(sessions.token_digest(token),)] and token not in str(stored)
    assert _trail(conn)[-1] == ("zhang", "login", "success", None)


@pytest.mark.parametrize("username", ["zhang", "nobody", "zhang' or '1'='1", "zhang\r\nSet-Cookie: s=1", "zh\x00ang",
                                      "ｚｈａｎｇ", "x" * 10_000, ""])
def test_a_wrong_password_or_a_strange_name_is_one_refusal_and_an_audit_row(conn, username):
    _person(conn)
    before = _last_seq(conn)
    with pytest.raises(sessions.Refused, match="^wrong user name or password$"):
        sessions.login(conn, username, "Wrong-passw0rd" if username == "zhang" else PASSWORD, "cli@host", "cli")
    (actor, action, outcome, reason), = _trail(conn, before)
    assert (action, outcome) == ("login_failed", "failure")
    assert reason == ("wrong password" if username == "zhang" else "no such account")
    assert conn.execute("select count(*) from control.sessions").fetchone()[0] == 0
    assert conn.execute("select count(*) from control.people").fetchone()[0] == 1


def test_five_wrong_passwords_lock_the_account_for_thirty_minutes(conn):
    _person(conn)
    now = dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)
    for attempt in range(5):
        with pytest.raises(sessions.Refused) as refused:
            sessions.login(conn, "zhang", f"Wrong-{attempt}-pw", "cli@host", "cli", now + dt.timedelta(seconds=attempt))
    assert "locked until 2026-12-03 09:30 UTC" in str(refused.value)
    with pytest.raises(sessions.Refused, match="the account is locked until 2026-12-03 09:30 UTC"):
        sessions.login(conn, "zhang", PASSWORD, "cli@host", "cli", now + dt.timedelta(minutes=29))
    assert [row[1] for row in _trail(conn)][-3:] == ["lockout", "login_failed", "login_failed"]
    sessions.login(conn, "zhang", PASSWORD, "cli@host", "cli", now + dt.timedelta(minutes=31))


def test_a_one_time_password_allows_nothing_but_changing_it(conn):
    first = people.add(conn, "tests", "tests", "li", ["operator"])
    token, identity = sessions.login(conn, "li", first, "cli@host", "cli")
    assert identity.must_change_password
    with pytest.raises(sessions.Denied, match="change your password first"):
        sessions.authorize(conn, identity, Permission.RUN_VIEW, "hubei-data sync-log", "cli@host")
    people.change_password(conn, "li", "cli@host", first, "Brand-new-pw1")
    identity = sessions.authenticate(conn, token, "cli@host")
    sessions.authorize(conn, identity, Permission.RUN_VIEW, "hubei-data sync-log", "cli@host")


def test_an_expired_password_must_be_changed_and_the_last_five_may_not_come_back(conn):
    _person(conn)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=91)
    _, identity = sessions.login(conn, "zhang", PASSWORD, "cli@host", "cli", later)
    assert identity.must_change_password
    with pytest.raises(people.AccountError, match="one of the last 5 passwords"):
        people.change_password(conn, "zhang", "cli@host", PASSWORD, PASSWORD)
    current = PASSWORD
    for number in range(1, 6):
        people.change_password(conn, "zhang", "cli@host", current, f"Passw0rd-{number}")
        current = f"Passw0rd-{number}"
    people.change_password(conn, "zhang", "cli@host", current, PASSWORD)


@pytest.mark.parametrize(("password", "reason"), [
    ("Sh0rt-", "shorter than 8 characters"),
    ("alllowercase", "uses 1 of lower case"),
    ("Zhang-is-me-1", "contains the user name"),
    ("Tab\there-1x", "control characters"),
])
def test_a_weak_new_password_is_refused_with_its_reason_and_audited(conn, password, reason):
    _person(conn)
    before = _last_seq(conn)
    with pytest.raises(people.AccountError, match=reason):
        people.change_password(conn, "zhang", "cli@host", PASSWORD, password)
    sessions.login(conn, "zhang", PASSWORD, "cli@host", "cli")
    assert _trail(conn, before)[0][1:3] == ("password_change", "failure")


def test_an_idle_session_ends_and_stays_ended(conn):
    _person(conn)
    token, _ = sessions.login(conn, "zhang", PASSWORD, "web@host", "web")
    now = dt.datetime.now(dt.UTC)
    sessions.authenticate(conn, token, "web@host", now + dt.timedelta(minutes=14))
    with pytest.raises(sessions.Refused, match="ended after 15 idle minutes"):
        sessions.authenticate(conn, token, "web@host", now + dt.timedelta(minutes=30))
    with pytest.raises(sessions.Refused, match="has ended"):
        sessions.authenticate(conn, token, "web@host", now)


@pytest.mark.parametrize("token", ["hd_" + "A" * 43, "hd_' or 1=1 --", "", "hd_" + "A" * 43 + "\r\nX: y", "x" * 100_000])
def test_a_forged_or_malformed_token_is_refused_and_audited(conn, token):
    before = _last_seq(conn)
    with pytest.raises(sessions.Refused, match="not logged in"):
        sessions.authenticate(conn, token, "api@10.0.0.9")
    (_, action, outcome, reason), = _trail(conn, before)
    assert (action, outcome) == ("session_refused", "denied") and reason in {"unknown token", "malformed token"}


def test_a_service_token_lives_its_days_and_ends_with_the_account(conn):
    _person(conn)
    _, identity = sessions.login(conn, "zhang", PASSWORD, "cli@host", "cli")
    token = sessions.issue_service_token(conn, identity, "cli@host", 7)
    now = dt.datetime.now(dt.UTC)
    assert sessions.authenticate(conn, token, "ci", now + dt.timedelta(days=6)).kind == "service"
    with pytest.raises(sessions.Refused, match="expired"):
        sessions.authenticate(conn, token, "ci", now + dt.timedelta(days=8))
    people.set_disabled(conn, "admin", "cli@host", "zhang", True)
    with pytest.raises(sessions.Refused, match="has ended"):
        sessions.authenticate(conn, token, "ci", now)
    with pytest.raises(sessions.Refused, match="disabled"):
        sessions.login(conn, "zhang", PASSWORD, "cli@host", "cli")


def test_logout_ends_the_session(conn):
    _person(conn)
    token, _ = sessions.login(conn, "zhang", PASSWORD, "cli@host", "cli")
    assert sessions.logout(conn, token, "cli@host") and not sessions.logout(conn, token, "cli@host")
    with pytest.raises(sessions.Refused):
        sessions.authenticate(conn, token, "cli@host")


def test_the_security_administrators_policy_is_what_every_login_follows(conn):
    _person(conn)
    policy_store.change(conn, "sec", "cli@host", {"min_length": 16, "lockout_attempts": 2})
    with pytest.raises(people.AccountError, match="shorter than 16"):
        people.change_password(conn, "zhang", "cli@host", PASSWORD, "Fifteen-chars-1")
    for attempt in range(2):
        with pytest.raises(sessions.Refused):
            sessions.login(conn, "zhang", "Wrong-passw0rd", "cli@host", "cli")
    with pytest.raises(sessions.Refused, match="locked"):
        sessions.login(conn, "zhang", PASSWORD, "cli@host", "cli")


@pytest.mark.parametrize("changes", [{"min_length": 4}, {"expiry_days": 0}, {"no_such_rule": 1}, {"history": -1}])
def test_a_policy_below_level_three_or_unknown_is_refused_and_nothing_changes(conn, changes):
    before = _last_seq(conn)
    with pytest.raises(policy_store.PolicyError):
        policy_store.change(conn, "sec", "cli@host", changes)
    assert policy_store.load(conn) == policy_store.PasswordPolicy()
    assert _trail(conn, before)[0][1:3] == ("config_change", "failure")


def test_roles_keep_the_three_administrators_apart_and_no_one_changes_their_own(conn):
    _person(conn, "wang", ("viewer",))
    with pytest.raises(people.AccountError, match="三员分立"):
        people.set_roles(conn, "sec", "cli@host", "wang", ["security_admin", "audit_admin"])
    with pytest.raises(people.AccountError, match="their own roles"):
        people.set_roles(conn, "wang", "cli@host", "wang", ["operator"])
    with pytest.raises(people.AccountError, match="no role 'root'"):
        people.add(conn, "admin", "cli@host", "zhao", ["root"])
    assert people.set_roles(conn, "sec", "cli@host", "wang", ["operator", "data_steward"]).roles == (
        "operator", "data_steward")
    assert people.find(conn, "zhao") is None


def test_the_first_administrator_is_made_once(conn):
    password = people.create_first_admin(conn, "cli@host")
    assert password and people.create_first_admin(conn, "cli@host") is None
    _, identity = sessions.login(conn, "admin", password, "cli@host", "cli")
    assert identity.roles == ("system_admin",) and identity.must_change_password
