"""数据质量通报 ranks the source systems of a constructed week by open tickets, defect rate and time to fix."""

import zipfile

from hubei_data.ingest.landing import ensure_landing
from tests.people import invoke
from tests.reports.sharing_week import WEEK
from tests.reports.workbooks import sheet

# (source, rule, system, [(at, from, to)]): the steps each ticket took. Week 48 runs 23 to 29 November 2026.
TICKETS = [
    # Enforcement: open since before the week; opened in it; resolved in it after two days; reopened in it and
    # resolved a day later (counted from the reopening); resolved the week before.
    ("penalty", "range", "enforcement", [("2026-11-20 09:00+08", None, "new")]),
    ("penalty", "profile_null_rate", "enforcement", [("2026-11-26 09:00+08", None, "new")]),
    ("penalty", "uscc", "enforcement", [("2026-11-23 09:00+08", None, "new"),
                                        ("2026-11-25 09:00+08", "new", "resolved")]),
    ("penalty", "required", "enforcement", [("2026-11-01 09:00+08", None, "new"),
                                            ("2026-11-05 09:00+08", "new", "resolved"),
                                            ("2026-11-26 10:00+08", "resolved", "new"),
                                            ("2026-11-27 10:00+08", "new", "resolved")]),
    ("penalty", "not_future", "enforcement", [("2026-11-10 09:00+08", None, "new"),
                                              ("2026-11-12 09:00+08", "new", "resolved")]),
    # Sampling: opened in the week; resolved in it after four days; resolved only after the week ended.
    ("sampling", "required", "sampling", [("2026-11-24 09:00+08", None, "new"),
                                          ("2026-11-25 09:00+08", "new", "acknowledged")]),
    ("sampling", "range", "sampling", [("2026-11-20 09:00+08", None, "new"),
                                       ("2026-11-24 09:00+08", "new", "resolved")]),
    ("sampling", "uscc", "sampling", [("2026-11-21 09:00+08", None, "new"),
                                      ("2026-11-30 10:00+08", "new", "resolved")]),
]
# (batch, source, rows received, received at, flagged rows): 2 of 100 penalty rows, 10 of 50 sampling rows.
BATCHES = [(1, "penalty", 100, "2026-11-24 08:00+08", [2, 3]), (2, "sampling", 50, "2026-11-25 08:00+08", range(10)),
           (3, "penalty", 1000, "2026-11-18 08:00+08", range(500))]


def _a_week_of_tickets(conn) -> None:
    ensure_landing(conn)
    conn.execute("create schema if not exists quarantine")
    conn.execute("create table quarantine.issues (source text, key text, rule text, column_name text, detail text,"
                 " batch_id bigint, file text, row_number integer)")
    for batch_id, source, rows, at, flagged in BATCHES:
        conn.execute("insert into landing.batches (batch_id, source, channel, origin, status, row_count, received_at)"
                     " overriding system value values (%s, %s, 'file', %s, 'loaded', %s, %s)",
                     (batch_id, source, f"{source}/{batch_id}.csv", rows, at))
        for row in flagged:
            # Row 2 of the first batch breaks two rules: one flagged row.
            for rule in ("required", "range") if (batch_id, row) == (1, 2) else ("required",):
                conn.execute("insert into quarantine.issues values (%s, 'k', %s, 'c', 'd', %s, 'f', %s)",
                             (source, rule, batch_id, row))
    for source, rule, system, steps in TICKETS:
        last_at, _, stage = steps[-1]
        resolved = stage == "resolved"
        ticket_id = conn.execute(
            "insert into ops.quality_tickets (origin, source, rule, system, owner, stage, resolution, affected_rows,"
            " newest_batch, first_seen, last_seen, opened_at, due_at, resolved_at)"
            " values ('rule', %s, %s, %s, 'owner', %s, %s, 1, 1, %s, %s, %s, %s::timestamptz + interval '5 days', %s)"
            " returning ticket_id",
            (source, rule, system, stage, "fixed_at_source" if resolved else None, steps[0][0], steps[0][0],
             steps[0][0], steps[0][0], last_at if resolved else None)).fetchone()[0]
        for at, before, after in steps:
            conn.execute("insert into ops.quality_ticket_steps (ticket_id, at, actor, stage_from, stage_to,"
                         " affected_rows) values (%s, %s, 'recheck', %s, %s, 1)", (ticket_id, at, before, after))
    # A problem a department reported on a share dataset is its provider's, not a source system's.
    reported = conn.execute(
        "insert into ops.quality_tickets (origin, source, rule, owner, affected_rows, first_seen, last_seen, opened_at,"
        " due_at, reporter, report) values ('report', 'penalty_info', 'feedback', '省药监局', 0, %(at)s, %(at)s,"
        " %(at)s, %(at)s, 't_department', '罚款金额不符') returning ticket_id", {"at": "2026-11-24 09:00+08"}).fetchone()[0]
    conn.execute("insert into ops.quality_ticket_steps (ticket_id, at, actor, stage_to, affected_rows)"
                 " values (%s, '2026-11-24 09:00+08', 't_department', 'new', 0)", (reported,))


def test_the_bulletin_ranks_systems_by_open_tickets_then_defect_rate(reporting):
    with reporting.connect() as conn:
        _a_week_of_tickets(conn)
    ran = invoke(["report", "quality", "--week", WEEK.label], target=reporting.info)
    assert ran.exit_code == 0, ran.output
    page, workbook = (reporting.folder / f"数据质量通报-2026-W48.{kind}" for kind in ("html", "xlsx"))
    assert ran.output.splitlines() == [str(page), str(workbook)]

    ranking = sheet(workbook, "业务系统排名")
    assert ranking[0] == ("排名", "业务系统", "承建运维单位", "周末未关闭工单", "本周新开工单", "本周收到记录（行）",
                          "问题记录（行）", "问题率（%）", "本周解决工单", "解决用时中位数（天）")
    # Two open tickets each at the week's end; sampling flagged 20 % of its rows, enforcement 2 %.
    assert ranking[1] == (1, "抽检系统（sampling）", "省药品抽检系统运维单位", 2, 1, 50, 10, 20, 1, 4)
    assert ranking[2] == (2, "执法办案系统（enforcement）", "省执法办案系统运维单位", 2, 2, 100, 2, 2, 2, 1.5)
    assert ranking[3][3:] == (0, 0, 0, 0, None, 0, None)

    still_open = sheet(workbook, "未关闭工单")
    assert sorted((row[2], row[3]) for row in still_open[1:5]) == [
        ("药品抽检（sampling）", "required"), ("药品抽检（sampling）", "uscc"),
        ("行政处罚（penalty）", "profile_null_rate"), ("行政处罚（penalty）", "range")]
    overview = dict(sheet(workbook, "概览")[1:])
    assert (overview["周末未关闭工单"], overview["本周解决工单"], overview["问题率（%）"]) == (4, 3, 8)
    with zipfile.ZipFile(workbook) as book:
        assert len([name for name in book.namelist() if name.startswith("xl/media/")]) == 1

    text = page.read_text(encoding="utf-8")
    assert "<h1>数据质量通报</h1>" in text and text.count('src="data:image/png;base64,') == 1
    assert [(target, outcome) for target, outcome, _ in reporting.exports()] == [
        ("report 数据质量通报-2026-W48", "success")]


def test_a_quiet_week_says_so(reporting):
    ran = invoke(["report", "quality", "--week", "2026-W02"], target=reporting.info)
    assert ran.exit_code == 0, ran.output
    overview = dict(sheet(reporting.folder / "数据质量通报-2026-W02.xlsx", "概览")[1:])
    assert overview["说明"].endswith("没有未关闭的整改工单、收到的记录或解决的工单。")
