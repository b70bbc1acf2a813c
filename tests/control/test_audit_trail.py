"""The audit trail in the warehouse: appended in a chain, kept from the platform's own role, and any edit found."""

import psycopg
import pytest

from hubei_data import adhoc_query, roles, warehouse
from hubei_data.control import audit_trail, crypto, schema
from hubei_data.control.audit_chain import Action, Outcome, ProblemKind
from tests.people import invoke


def _append(conn, n: int = 3, **detail) -> None:
    for i in range(n):
        audit_trail.append(conn, f"user{i}", "cli@host", Action.CONFIG_CHANGE, f"setting {i}", Outcome.SUCCESS,
                           {"i": i, **detail})


@pytest.fixture
def trail(migrated_database):
    info = migrated_database("audit")
    with psycopg.connect(info.url) as conn:
        _append(conn)
    return info


def _tamper(info, statement: str) -> None:
    """What a database administrator could do by hand, past the triggers that stop everyone else."""
    with psycopg.connect(info.as_role(warehouse.superuser_info().user).url, autocommit=True) as admin:
        admin.execute("set session_replication_role = replica")
        admin.execute(statement)


def test_appended_events_form_a_chain_that_holds(trail):
    with psycopg.connect(trail.url) as conn:
        assert audit_trail.check(conn) == (3, [])
        assert conn.execute("select array_agg(seq order by seq) from control.audit_trail").fetchone()[0] == [1, 2, 3]


@pytest.mark.parametrize("change", [
    "update control.audit_trail set outcome = 'failure' where seq = 2",
    "delete from control.audit_trail where seq = 2",
    "truncate control.audit_trail",
])
def test_the_platform_role_cannot_change_or_remove_a_row(trail, change):
    with psycopg.connect(trail.url) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(change)
        conn.rollback()
        assert audit_trail.check(conn) == (3, [])


@pytest.mark.parametrize("undo", [
    "alter table control.audit_trail disable trigger user",
    "drop trigger audit_trail_rows_stay on control.audit_trail",
    "drop table control.audit_trail",
    "alter table control.audit_trail rename to old_trail",
    "alter table control.audit_trail owner to hubei_data_owner",
    "create or replace function control.refuse_audit_change() returns trigger language plpgsql"
    " as $$ begin return new; end $$",
    "set role hubei_data_audit_keeper",
    "alter schema control rename to kept",
])
def test_the_platform_role_cannot_undo_the_guards_nor_become_the_keeper(trail, undo):
    with psycopg.connect(trail.url) as conn:
        assert roles.audit_trail_sealed(conn)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(undo)
        conn.rollback()
        assert audit_trail.check(conn) == (3, [])


def test_a_grant_the_platform_role_gives_itself_grants_nothing(trail):
    with psycopg.connect(trail.url, autocommit=True) as conn:
        conn.execute("grant update, delete on control.audit_trail to current_user")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("update control.audit_trail set outcome = 'failure' where seq = 2")
        assert audit_trail.check(conn) == (3, [])


def test_verify_warns_while_the_trail_is_not_yet_handed_to_the_keeper(fresh_database, use_warehouse, monkeypatch):
    info = fresh_database("unsealed")
    monkeypatch.setattr(warehouse, "_superuser", None)
    schema.upgrade(info)
    with psycopg.connect(info.url) as conn:
        assert not roles.audit_trail_sealed(conn)
    use_warehouse(info)
    result = invoke(["audit", "verify"], target=info)
    assert result.exit_code == 0 and "docs/roles.md" in result.stderr and "could change" in result.stderr


@pytest.mark.parametrize(("statement", "seq", "kind"), [
    ("update control.audit_trail set actor = 'someone else' where seq = 2", 2, ProblemKind.EDITED),
    ("update control.audit_trail set detail = '{\"i\": 7}' where seq = 3", 3, ProblemKind.EDITED),
    ("update control.audit_trail set at = at + interval '1 second' where seq = 1", 1, ProblemKind.EDITED),
    ("update control.audit_trail set action = 'not an action' where seq = 2", 2, ProblemKind.EDITED),
    ("delete from control.audit_trail where seq = 2", 2, ProblemKind.DELETED),
])
def test_a_row_changed_by_hand_is_named_by_verify(trail, use_warehouse, statement, seq, kind):
    _tamper(trail, statement)
    with psycopg.connect(trail.url) as conn:
        _, problems = audit_trail.check(conn)
    assert (problems[0].seq, problems[0].kind) == (seq, kind)
    use_warehouse(trail)
    result = invoke(["audit", "verify"])
    assert result.exit_code == 1
    assert f"row {seq} ({kind})" in result.stdout
    assert result.stderr.strip().startswith("Error: the audit trail is broken")


def test_verify_says_an_intact_trail_holds(trail, use_warehouse):
    use_warehouse(trail)
    result = invoke(["audit", "verify"])
    with psycopg.connect(trail.url) as conn:
        rows = conn.execute("select count(*) from control.audit_trail").fetchone()[0]
    assert result.exit_code == 0 and f"holds: {rows} rows" in result.stdout


def test_hostile_text_is_kept_and_the_chain_still_holds(trail):
    with psycopg.connect(trail.url) as conn:
        audit_trail.append(conn, "a\x00b", "\ud800", Action.SQL_QUERY, "x" * 5000, Outcome.DENIED,
                           {"sql": "select '\x00'; drop table x", "\x00key": "v"})
        assert audit_trail.check(conn) == (4, [])
        actor, target = conn.execute("select actor, target from control.audit_trail where seq = 4").fetchone()
    assert actor == "a\\x00b" and len(target) == 1000


def test_a_chain_switching_to_the_gm_profile_holds(trail, monkeypatch):
    monkeypatch.setenv(crypto.PROFILE_VARIABLE, "gm")
    with psycopg.connect(trail.url) as conn:
        _append(conn, 2)
        assert audit_trail.check(conn) == (5, [])
        assert conn.execute("select array_agg(algorithm order by seq) from control.audit_trail").fetchone()[0] == [
            "sha256", "sha256", "sha256", "sm3", "sm3"]


def test_every_ad_hoc_query_is_recorded_answered_or_refused(warehouse):
    with psycopg.connect(warehouse.url) as conn:
        before = conn.execute("select coalesce(max(seq), 0) from control.audit_trail").fetchone()[0]
    with adhoc_query.run("select 1 as one", 5, "t_analyst", "tests") as (_, cursor):
        assert cursor.fetchall() == [(1,)]
    with pytest.raises(adhoc_query.QueryRefused):
        with adhoc_query.run("select 1; commit; create table public.x (i int)", 5, "t_analyst", "tests"):
            pass
    with psycopg.connect(warehouse.url) as conn:
        recorded = conn.execute(
            "select actor, action, target, outcome, detail ->> 'sql', detail ->> 'rows' from control.audit_trail"
            " where seq > %s order by seq", (before,)).fetchall()
        assert audit_trail.check(conn)[1] == []
    assert recorded == [
        ("t_analyst", "sql_query", "warehouse", "success", "select 1 as one", "1"),
        ("t_analyst", "sql_query", "warehouse", "denied", "select 1; commit; create table public.x (i int)", None),
    ]
