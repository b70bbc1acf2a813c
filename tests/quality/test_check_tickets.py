"""Failing asset checks open rectification tickets (整改工单) routed like the rest, and passing ones close them."""

import datetime as dt
import uuid

import psycopg
import pytest

from hubei_data import warehouse as wh
from hubei_data.cli.jobs import land_and_build
from hubei_data.control.audit_trail import Actor
from hubei_data.ops.contacts import OPERATIONS
from hubei_data.quality import check_tickets, tickets
from hubei_data.quality.check_tickets import Evaluation
from tests.people import invoke

HEADER = "case_no,uscc,decided_on,fine_yuan,updated_at"
USCC = "91420102MAYLRJ8BMN"
T0 = dt.datetime(2026, 3, 2, 8, tzinfo=dt.UTC)


def _at(hours: int) -> dt.datetime:
    return T0 + dt.timedelta(hours=hours)


def _ticket(conn, asset: str, check: str) -> tickets.Ticket | None:
    found = [t for t in tickets.listed(conn) if (t.origin, t.source, t.rule) == ("check", asset, check)]
    return found[0] if found else None


def _land(folder, name: str, header: str, extra: str = "") -> None:
    path = folder / name
    now = dt.datetime.now()
    path.write_text(f"{header}\nT{uuid.uuid4().hex[:10]},{USCC},2026-01-02,100,{now:%Y-%m-%d %H:%M:%S}{extra}\n",
                    encoding="utf-8")
    [result], built = land_and_build({"penalty": [str(path)]}, build=True)
    assert result["status"] == "loaded" and built, result


def test_a_drifting_penalty_file_opens_a_schema_drift_ticket_and_a_matching_one_resolves_it(own_warehouse,
                                                                                            tmp_path):
    _land(tmp_path, "with_note.csv", HEADER + ",备注", ",补录")
    with wh.connect() as conn:
        opened = _ticket(conn, "raw/penalty", "schema_drift")
    assert opened is not None and (opened.stage, opened.resolution) == ("new", None)
    assert (opened.system, opened.owner, opened.vendor) == ("enforcement", "省药监局", "省执法办案系统运维单位")
    no_rows = invoke(["quality", "rows", str(opened.ticket_id), "--output", str(tmp_path / "unused.xlsx")])
    assert no_rows.exit_code == 1 and "failing check schema_drift of raw/penalty" in no_rows.output

    # A file like the contract resolves a file's finding once it has been quiet for a day; landing records the
    # check's pass at once, so the build that follows already sees the check passing.
    with wh.connect(autocommit=True) as conn:
        conn.execute("update ops.schema_drift set last_seen_at = last_seen_at - interval '25 hours'")
    _land(tmp_path, "matching.csv", HEADER)
    with wh.connect() as conn:
        resolved = _ticket(conn, "raw/penalty", "schema_drift")
        taken = [(actor, before, after, reason) for _, actor, before, after, reason, *_ in
                 tickets.steps(conn, opened.ticket_id)]
    assert (resolved.stage, resolved.resolution) == ("resolved", "recheck_passed")
    assert taken == [("recheck", None, "new", None), ("recheck", "new", "resolved", "recheck_passed")]


def test_check_tickets_open_update_resolve_and_reopen_with_their_evaluations(own_warehouse):
    check = f"t_check_{uuid.uuid4().hex[:6]}"
    with wh.connect(autocommit=True) as conn:
        first = check_tickets.sync(conn, [Evaluation("resource/penalty", check, False, 3, _at(0)),
                                          Evaluation("share/penalty_info", check, False, 0, _at(0)),
                                          Evaluation("lists/three_lists", check, False, 0, _at(0)),
                                          Evaluation("share/penalty_info", f"{check}_ok", True, 0, _at(0))],
                                   now=_at(1))
        source, share, lists = (_ticket(conn, asset, check)
                                for asset in ("resource/penalty", "share/penalty_info", "lists/three_lists"))
        assert _ticket(conn, "share/penalty_info", f"{check}_ok") is None
        assert sorted(first.opened) == sorted([source.ticket_id, share.ticket_id, lists.ticket_id])
        assert (source.system, source.owner, source.vendor, source.affected_rows) == (
            "enforcement", "省药监局", "省执法办案系统运维单位", 3)
        assert (share.system, share.owner, share.vendor, share.due_at) == (
            None, "湖北省药品监督管理局", None, _at(1) + dt.timedelta(days=tickets.DEFAULT_DAYS))
        assert lists.owner == OPERATIONS

        again = check_tickets.sync(conn, [Evaluation("resource/penalty", check, False, 5, _at(2))], now=_at(3))
        updated = _ticket(conn, "resource/penalty", check)
        assert again.updated == [source.ticket_id]
        assert (updated.stage, updated.affected_rows, updated.first_seen, updated.last_seen) == ("new", 5, _at(0),
                                                                                                _at(2))
        assert _ticket(conn, "share/penalty_info", check) == share

        passed = check_tickets.sync(conn, [Evaluation("resource/penalty", check, True, 0, _at(4))], now=_at(5))
        assert passed.resolved == [source.ticket_id]
        assert (_ticket(conn, "resource/penalty", check).resolution,
                _ticket(conn, "resource/penalty", check).affected_rows) == ("recheck_passed", 0)
        assert check_tickets.sync(conn, [Evaluation("resource/penalty", check, True, 0, _at(6))], now=_at(6)) == \
            tickets.Recheck([], [], [], [])

        back = check_tickets.sync(conn, [Evaluation("resource/penalty", check, False, 2, _at(7), _at(6))],
                                  now=_at(7))
        reopened = _ticket(conn, "resource/penalty", check)
        assert back.reopened == [source.ticket_id]
        assert (reopened.stage, reopened.affected_rows, reopened.reopened) == ("new", 2, 1)


def test_a_check_ticket_a_person_resolved_reopens_only_after_the_check_passed_and_failed_again(own_warehouse):
    check = f"t_check_{uuid.uuid4().hex[:6]}"
    with wh.connect(autocommit=True) as conn:
        [ticket_id] = check_tickets.sync(conn, [Evaluation("subject/enterprise_profile", check, False, 0, _at(0))],
                                         now=_at(0)).opened
        resolved = tickets.move(conn, Actor("t_steward", "tests"), ticket_id, "resolved", "accepted", "已知差异")
        later = resolved.resolved_at + dt.timedelta(hours=1)
        still = check_tickets.sync(conn, [Evaluation("subject/enterprise_profile", check, False, 0, later,
                                                     resolved.resolved_at - dt.timedelta(days=1))], now=later)
        assert still == tickets.Recheck([], [], [], [])
        assert (tickets.one(conn, ticket_id).stage, tickets.one(conn, ticket_id).resolution) == ("resolved",
                                                                                                 "accepted")
        back = check_tickets.sync(conn, [Evaluation("subject/enterprise_profile", check, False, 0,
                                                    later + dt.timedelta(hours=2), later + dt.timedelta(hours=1))],
                                  now=later + dt.timedelta(hours=2))
        assert back.reopened == [ticket_id]
        assert (tickets.one(conn, ticket_id).stage, tickets.one(conn, ticket_id).owner) == ("new",
                                                                                            "湖北省药品监督管理局")


def test_the_schema_accepts_one_check_ticket_per_asset_and_check(own_warehouse):
    with wh.connect() as conn, pytest.raises(psycopg.errors.UniqueViolation, match="quality_tickets_one_per_rule"):
        for _ in range(2):
            conn.execute("insert into ops.quality_tickets (origin, source, rule, owner, affected_rows, first_seen,"
                         " last_seen, due_at) values ('check', 'raw/x', 't_dup', 'x', 0, now(), now(), now())")
