"""Rectification tickets (整改工单) follow a defect from the build that finds it to the one that no longer does."""

import datetime as dt
import os
import uuid

import openpyxl
import pytest

from hubei_data import runner
from hubei_data import warehouse as wh
from hubei_data.cli.jobs import land_and_build
from hubei_data.control import schema
from hubei_data.control.audit_trail import Actor
from hubei_data.quality import tickets
from tests.people import invoke

HEADER = "case_no,uscc,decided_on,fine_yuan,updated_at\n"
USCC = "91420102MAYLRJ8BMN"


@pytest.fixture(scope="module")
def own_warehouse(warehouse):
    """A database of this module's own, so no other test's penalty rows join its tickets."""
    name = f"tickets_{uuid.uuid4().hex[:8]}"
    info = wh.create_database(name)
    schema.upgrade(info)
    before = os.environ.get(wh.URL_VARIABLE)
    os.environ[wh.URL_VARIABLE] = info.url
    wh.connect_info.cache_clear()
    runner.instance.cache_clear()
    yield info
    if before is None:
        os.environ.pop(wh.URL_VARIABLE, None)
    else:
        os.environ[wh.URL_VARIABLE] = before
    wh.connect_info.cache_clear()
    runner.instance.cache_clear()
    wh.drop_database(name)


def _land(folder, name: str, fines: dict[str, str]) -> None:
    path = folder / name
    path.write_text(HEADER + "".join(f"{case},{USCC},2026-01-02,{fine},{dt.datetime.now():%Y-%m-%d %H:%M:%S}\n"
                                     for case, fine in fines.items()), encoding="utf-8")
    [result], built = land_and_build({"penalty": [str(path)]}, build=True)
    assert result["status"] == "loaded" and built, result


def _ticket(conn) -> tickets.Ticket:
    [ticket] = [t for t in tickets.listed(conn) if (t.source, t.rule) == ("penalty", "range")]
    return ticket


@pytest.fixture(scope="module")
def opened(own_warehouse, tmp_path_factory):
    """Two penalties with negative fines and one fine one, landed and built: the build opens one ticket."""
    folder = tmp_path_factory.mktemp("penalty")
    cases = {f"T{uuid.uuid4().hex[:10]}": fine for fine in ("-5", "-7", "100")}
    _land(folder, "first.csv", cases)
    return folder, list(cases)


def test_a_build_opens_one_ticket_per_source_and_rule_routed_to_the_owner_and_vendor(opened):
    with wh.connect() as conn:
        ticket = _ticket(conn)
        taken = tickets.steps(conn, ticket.ticket_id)
    assert (ticket.stage, ticket.affected_rows, ticket.resolution) == ("new", 2, None)
    assert (ticket.system, ticket.owner, ticket.vendor) == ("enforcement", "省药监局", "省执法办案系统运维单位")
    assert ticket.due_at - ticket.opened_at == dt.timedelta(days=5)
    assert [(actor, to) for _, actor, _, to, *_ in taken] == [("recheck", "new")]


def test_a_move_its_stage_does_not_allow_is_refused_and_audited(opened):
    with wh.connect() as conn:
        ticket = _ticket(conn)
    moved = invoke(["quality", "move", str(ticket.ticket_id), "in_progress", "--reason", "accepted"])
    assert moved.exit_code == 1 and "a reason is given only when resolving" in moved.output
    unknown = invoke(["quality", "move", "999999", "acknowledged"])
    assert unknown.exit_code == 1 and "there is no quality ticket 999999" in unknown.output
    no_reason = invoke(["quality", "move", str(ticket.ticket_id), "resolved"])
    assert no_reason.exit_code == 1 and "needs a reason" in no_reason.output
    with wh.connect() as conn:
        assert _ticket(conn).stage == "new"
        refused = conn.execute("select count(*) from control.audit_trail where target = %s and outcome = 'failure'",
                               (f"quality ticket {ticket.ticket_id}",)).fetchone()[0]
    assert refused == 2


def test_the_owner_gets_the_rows_behind_a_ticket_as_a_workbook(opened, tmp_path):
    folder, cases = opened
    with wh.connect() as conn:
        ticket = _ticket(conn)
    out = tmp_path / "rows.xlsx"
    result = invoke(["quality", "rows", str(ticket.ticket_id), "--output", str(out)])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["工单", "问题记录"]
    rows = list(book["问题记录"].iter_rows(values_only=True))
    assert rows[0][:3] == ("业务主键", "问题说明", "批次")
    assert sorted(row[0] for row in rows[1:]) == sorted(cases[:2])
    assert [row[4] for row in rows[1:]] == [2, 3]


def test_fixing_the_rows_at_source_resolves_the_ticket_and_a_returning_defect_reopens_it(opened):
    folder, cases = opened
    with wh.connect(autocommit=True) as conn:
        ticket = _ticket(conn)
        tickets.move(conn, Actor("t_steward", "tests"), ticket.ticket_id, "acknowledged", comment="已转承建单位")
    _land(folder, "one_fixed.csv", {cases[0]: "50"})
    with wh.connect() as conn:
        assert (_ticket(conn).stage, _ticket(conn).affected_rows) == ("acknowledged", 1)
    _land(folder, "both_fixed.csv", {cases[1]: "70"})
    with wh.connect() as conn:
        resolved = _ticket(conn)
    assert (resolved.stage, resolved.resolution, resolved.affected_rows) == ("resolved", "recheck_passed", 0)
    _land(folder, "again.csv", {f"T{uuid.uuid4().hex[:10]}": "-1"})
    with wh.connect() as conn:
        reopened = _ticket(conn)
        taken = [(actor, before, after) for _, actor, before, after, *_ in tickets.steps(conn, reopened.ticket_id)]
    assert (reopened.stage, reopened.affected_rows, reopened.reopened) == ("new", 1, 1)
    assert taken == [("recheck", None, "new"), ("t_steward", "new", "acknowledged"),
                     ("recheck", "acknowledged", "resolved"), ("recheck", "resolved", "new")]


def test_a_ticket_a_person_accepts_stays_resolved_until_new_rows_of_its_defect_arrive(opened):
    folder, _ = opened
    with wh.connect(autocommit=True) as conn:
        ticket = _ticket(conn)
        tickets.move(conn, Actor("t_steward", "tests"), ticket.ticket_id, "resolved", "accepted", "历史数据，接受")
        tickets.recheck(conn)
        assert (_ticket(conn).stage, _ticket(conn).resolution) == ("resolved", "accepted")
    _land(folder, "newer.csv", {f"T{uuid.uuid4().hex[:10]}": "-2"})
    with wh.connect() as conn:
        assert (_ticket(conn).stage, _ticket(conn).affected_rows) == ("new", 2)


def test_tickets_are_listed_with_their_times(opened):
    listed = invoke(["quality", "tickets", "--source", "penalty", "--format", "json"])
    assert listed.exit_code == 0, listed.output
    assert '"rule": "range"' in listed.output and '"owner": "省药监局"' in listed.output


def test_a_problem_reported_from_the_command_line_reaches_the_provider_and_only_its_reporter_follows_it(opened):
    reported = invoke(["quality", "report", "penalty_info", "--key", "鄂药监罚〔2026〕1号", "--problem", "罚款金额与决定书不符"])
    assert reported.exit_code == 0, reported.output
    ticket_id = int(reported.output.split()[1])
    mine = invoke(["quality", "reported", "--format", "json"])
    assert mine.exit_code == 0 and f'"id": {ticket_id}' in mine.output and '"stage": "new"' in mine.output
    with wh.connect() as conn:
        ticket = tickets.one(conn, ticket_id)
        assert (ticket.origin, ticket.owner, ticket.report) == ("report", "湖北省药品监督管理局", "罚款金额与决定书不符")
        with pytest.raises(tickets.TicketError, match="reported by someone_else"):
            tickets.reported(conn, "someone_else", ticket_id)
    no_rows = invoke(["quality", "rows", str(ticket_id), "--output", "/tmp/unused.xlsx"])
    assert no_rows.exit_code == 1 and "has no flagged rows" in no_rows.output
    unknown = invoke(["quality", "report", "no_such_dataset", "--problem", "x"])
    assert unknown.exit_code == 1 and "no share dataset 'no_such_dataset'" in unknown.output
