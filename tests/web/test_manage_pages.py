"""数据管理 through the portal: runs and their event logs from the Dagster instance, ingest history, quarantine,
rectification tickets moved on, and freezes, reruns and backfills through the functions the commands call,
each audited, and refused to whoever may not."""

import uuid

import dagster as dg
import psycopg
import pytest

from hubei_data import runner
from hubei_data.control.audit_trail import Actor
from hubei_data.ingest import landing
from hubei_data.ops import freezes, run_queue
from hubei_data.ops.run_launcher import LAUNCHED_BY
from hubei_data.quality import tickets
from tests.people import person
from tests.web.browsers import chromium

FEED = "drug_sampling"


@dg.op
def say_hello(context: dg.OpExecutionContext) -> None:
    context.log.info("hello from the portal's run page")


@dg.job
def portal_hello_job():
    say_hello()


@pytest.fixture(scope="module")
def finished_run(web) -> str:
    """A run that succeeded, in the Dagster instance the platform uses."""
    return portal_hello_job.execute_in_process(instance=runner.instance()).run_id


@pytest.fixture(scope="module")
def ticket(web) -> int:
    """A new rectification ticket (a problem a department reported) to move on."""
    with psycopg.connect(web.url, autocommit=True) as conn:
        return tickets.report(conn, Actor("t_department_user", "tests"), "share.penalty_info", "省药监局",
                              f"处罚信息缺少文书号 {uuid.uuid4().hex[:6]}").ticket_id


@pytest.fixture(scope="module")
def batches(web) -> str:
    """One landed batch and one rejected file in the batch log; the rejected file's name."""
    rejected = f"/landing/penalty/bad-{uuid.uuid4().hex[:6]}.csv"
    with psycopg.connect(web.url, autocommit=True) as conn:
        landing.ensure_landing(conn)
        with conn.transaction():
            batch = landing.open_batch(conn, source="penalty", channel="file", origin="/landing/penalty/good.csv",
                                       sha256="ab" * 32, format="csv", encoding="utf-8")
            landing.close_batch(conn, batch, 42)
        landing.record_rejection(conn, source="penalty", channel="file", origin=rejected, sha256="cd" * 32,
                                 reason="missing required columns: case_no")
    return rejected


def _frozen(web) -> set[tuple[str, str]]:
    with psycopg.connect(web.url) as conn:
        return set(freezes.frozen(conn))


def test_an_operator_freezes_and_unfreezes_a_feed_through_the_page_and_both_are_audited(web):
    operator = web.login("operator")
    page = operator.get("/platform/manage/")
    assert page.status_code == 200 and 'action="/platform/manage/freeze"' in page.text
    assert f'<option value="{FEED}">' in page.text
    try:
        done = web.submit(operator, "/platform/manage/freeze", {"kind": "feed", "name": FEED, "reason": "抽检数据复核"})
        assert (done.status_code, done.headers["location"]) == (303, "/platform/manage/#freezes")
        assert ("feed", FEED) in _frozen(web)
        shown = operator.get("/platform/manage/").text
        assert "抽检数据复核" in shown and 'action="/platform/manage/unfreeze"' in shown
        again = web.submit(operator, "/platform/manage/freeze", {"kind": "feed", "name": FEED, "reason": "再冻结"})
        assert again.status_code == 400 and f"feed {FEED} is already frozen by t_operator" in again.text
    finally:
        released = web.submit(operator, "/platform/manage/unfreeze", {"kind": "feed", "name": FEED})
    assert released.status_code == 303
    assert ("feed", FEED) not in _frozen(web)
    audited = web.audit("select outcome, detail ->> 'change' from control.audit_trail where actor = 't_operator'"
                        " and action = 'config_change' and target = %s and source like 'web@%%' order by seq desc"
                        " limit 3", (f"feed {FEED}",))
    assert audited == [("success", "unfreeze"), ("failure", "freeze"), ("success", "freeze")]


def test_an_unknown_name_or_kind_is_a_400_naming_what_exists(web):
    operator = web.login("operator")
    unknown = web.submit(operator, "/platform/manage/freeze", {"kind": "feed", "name": "no_such_feed", "reason": "x"})
    assert unknown.status_code == 400 and "there is no feed &#39;no_such_feed&#39;" in unknown.text
    assert FEED in unknown.text
    kind = web.submit(operator, "/platform/manage/freeze", {"kind": "schedule", "name": "x", "reason": "x"})
    assert kind.status_code == 400 and "unknown kind" in kind.text


def test_a_freeze_without_the_form_token_is_refused(web):
    operator = web.login("operator")
    forged = operator.post("/platform/manage/freeze", data={"kind": "feed", "name": FEED, "reason": "x"})
    assert forged.status_code == 403
    assert ("feed", FEED) not in _frozen(web)


def test_a_department_user_neither_sees_nor_reaches_data_management(web, ticket):
    department = web.login("department_user")
    menu = department.get("/platform/").text.split("<nav", 1)[1].split("</nav>", 1)[0]
    assert "/platform/manage/" not in menu and "数据管理" not in menu
    for path in ("/platform/manage/", "/platform/manage/ingest", "/platform/manage/issues",
                 "/platform/manage/tickets/", f"/platform/manage/tickets/{ticket}"):
        assert department.get(path).status_code == 403, path
    for path, data in (("/platform/manage/freeze", {"kind": "feed", "name": FEED, "reason": "x"}),
                       ("/platform/manage/unfreeze", {"kind": "feed", "name": FEED}),
                       ("/platform/manage/backfill", {"job": "daily_job", "first": "2026-11-01", "last": "2026-11-02"}),
                       ("/platform/manage/runs/abc/rerun", {}),
                       (f"/platform/manage/tickets/{ticket}/move", {"stage": "acknowledged"})):
        assert web.submit(department, path, data).status_code == 403, path
    assert ("feed", FEED) not in _frozen(web)
    denied = web.audit("select count(*) from control.audit_trail where actor = 't_department_user'"
                       " and outcome = 'denied' and target = 'freeze'")
    assert denied[0][0] >= 1


def test_a_viewer_sees_runs_but_no_operator_forms_and_may_not_freeze(web):
    viewer = web.login("viewer")
    page = viewer.get("/platform/manage/")
    assert page.status_code == 200
    assert "/platform/manage/freeze" not in page.text and "/platform/manage/backfill" not in page.text
    refused = web.submit(viewer, "/platform/manage/freeze", {"kind": "feed", "name": FEED, "reason": "x"})
    assert refused.status_code == 403


def test_runs_are_listed_from_the_dagster_instance_with_their_event_log(web, finished_run):
    operator = web.login("operator")
    listed = operator.get("/platform/manage/", params={"status": "success"})
    assert listed.status_code == 200
    assert f'href="/platform/manage/runs/{finished_run}"' in listed.text
    assert f'href="/runs/{finished_run}"' in listed.text and "portal_hello_job" in listed.text
    run = operator.get(f"/platform/manage/runs/{finished_run}")
    assert run.status_code == 200
    assert "hello from the portal&#39;s run page" in run.text and "RUN_SUCCESS" in run.text
    assert f'href="/runs/{finished_run}"' in run.text
    assert web.audit("select count(*) from control.audit_trail where actor = 't_operator' and action = 'data_view'"
                     " and target = %s", (f"run {finished_run}",))[0][0] >= 1
    assert operator.get("/platform/manage/runs/no-such-run").status_code == 404
    assert operator.get("/platform/manage/", params={"status": "sleeping"}).status_code == 400


def test_a_rerun_of_a_run_that_succeeded_is_refused_and_audited(web, finished_run):
    operator = web.login("operator")
    refused = web.submit(operator, f"/platform/manage/runs/{finished_run}/rerun", {"from_failure": "no"})
    assert refused.status_code == 400 and "succeeded: nothing to rerun" in refused.text
    unknown = web.submit(operator, "/platform/manage/runs/no-such-run/rerun", {})
    assert unknown.status_code == 400 and "there is no run no-such-run" in unknown.text
    audited = web.audit("select outcome, detail ->> 'change' from control.audit_trail where actor = 't_operator'"
                        " and action = 'run_launch' and target = %s", (f"run {finished_run}",))
    assert audited == [("failure", "rerun")]


def test_an_operator_reruns_a_canceled_run_and_the_new_run_waits_in_the_queue(web):
    canceled = run_queue.launch("api_stats_job", "2026-03-01", "tests").run_id
    run_queue.terminate(canceled)
    operator = web.login("operator")
    page = operator.get(f"/platform/manage/runs/{canceled}")
    assert f'action="/platform/manage/runs/{canceled}/rerun"' in page.text
    done = web.submit(operator, f"/platform/manage/runs/{canceled}/rerun", {"from_failure": "no"})
    assert done.status_code == 303, done.text
    new_run = done.headers["location"].rpartition("/")[2]
    run = runner.instance().get_run_by_id(new_run)
    assert run.status == dg.DagsterRunStatus.QUEUED
    assert (run.parent_run_id, run.tags[LAUNCHED_BY]) == (canceled, "t_operator")
    assert "queued" in operator.get(done.headers["location"]).text
    audited = web.audit("select outcome, detail ->> 'run_id' from control.audit_trail where actor = 't_operator'"
                        " and action = 'run_launch' and target = %s", (f"run {canceled}",))
    assert audited == [("success", new_run)]
    run_queue.terminate(new_run)


def test_a_backfill_with_bad_dates_is_a_400(web):
    developer = web.login("data_developer")
    bad = web.submit(developer, "/platform/manage/backfill", {"job": "daily_job", "first": "2026-13-01",
                                                              "last": "2026-11-02"})
    assert bad.status_code == 400 and "is not a date" in bad.text
    backwards = web.submit(developer, "/platform/manage/backfill", {"job": "daily_job", "first": "2026-11-05",
                                                                    "last": "2026-11-02"})
    assert backwards.status_code == 400 and "the range runs backwards" in backwards.text
    assert web.audit("select outcome from control.audit_trail where actor = 't_data_developer'"
                     " and action = 'run_launch' and target = 'backfill daily_job'") == [("failure",)]
    assert web.submit(web.login("operator"), "/platform/manage/backfill",
                      {"job": "daily_job", "first": "2026-11-01", "last": "2026-11-02"}).status_code == 403


def test_a_data_developer_asks_for_a_backfill_the_daemon_will_run(web):
    developer = web.login("data_developer")
    done = web.submit(developer, "/platform/manage/backfill", {"job": "api_stats_job", "first": "2026-03-01",
                                                               "last": "2026-03-03"})
    assert done.status_code == 303, done.text
    backfill_id = done.headers["location"].rpartition("=")[2]
    backfill = runner.instance().get_backfill(backfill_id)
    assert backfill.partition_names == ["2026-03-01", "2026-03-02", "2026-03-03"]
    assert backfill.tags[LAUNCHED_BY] == "t_data_developer"
    assert f"已提交补数 Backfill {backfill_id}" in developer.get(done.headers["location"]).text
    audited = web.audit("select outcome, detail ->> 'backfill_id' from control.audit_trail where actor = %s"
                        " and action = 'run_launch' and target = 'backfill api_stats_job'", ("t_data_developer",))
    assert audited == [("success", backfill_id)]


def test_ingest_history_shows_landed_batches_and_rejected_files_with_the_reason(web, batches):
    page = web.login("operator").get("/platform/manage/ingest")
    assert page.status_code == 200
    assert batches in page.text and "missing required columns: case_no" in page.text
    assert "/landing/penalty/good.csv" in page.text and "ababababab" in page.text and ">42<" in page.text
    assert web.audit("select count(*) from control.audit_trail where actor = 't_operator' and action = 'data_view'"
                     " and target = 'landing.batches'")[0][0] >= 1


def test_the_quarantine_page_is_for_who_may_see_quality_issues(web):
    steward = web.login("data_steward")
    assert steward.get("/platform/manage/issues").status_code == 200
    assert steward.get("/platform/manage/issues", params={"source": "penalty"}).status_code == 200
    assert steward.get("/platform/manage/issues", params={"source": "nowhere"}).status_code == 400
    assert web.login("operator").get("/platform/manage/issues").status_code == 403


def test_a_steward_moves_a_ticket_on_and_a_move_from_the_wrong_stage_is_refused(web, ticket):
    steward = web.login("data_steward")
    listed = steward.get("/platform/manage/tickets/", params={"stage": "new"})
    assert listed.status_code == 200 and f'href="/platform/manage/tickets/{ticket}"' in listed.text
    moved = web.submit(steward, f"/platform/manage/tickets/{ticket}/move",
                       {"stage": "acknowledged", "reason": "", "comment": "已通知厂商"})
    assert (moved.status_code, moved.headers["location"]) == (303, f"/platform/manage/tickets/{ticket}")
    assert "已通知厂商" in steward.get(f"/platform/manage/tickets/{ticket}").text
    with psycopg.connect(web.url) as conn:
        assert tickets.one(conn, ticket).stage == "acknowledged"
    wrong = web.submit(steward, f"/platform/manage/tickets/{ticket}/move", {"stage": "acknowledged"})
    assert wrong.status_code == 400
    assert f"ticket {ticket} is acknowledged; it may move to in_progress, resolved, not acknowledged" in wrong.text
    no_reason = web.submit(steward, f"/platform/manage/tickets/{ticket}/move", {"stage": "resolved"})
    assert no_reason.status_code == 400 and "needs a reason" in no_reason.text
    audited = web.audit("select outcome, detail ->> 'to' from control.audit_trail where actor = 't_data_steward'"
                        " and action = 'config_change' and target = %s order by seq", (f"quality ticket {ticket}",))
    assert audited == [("success", "acknowledged"), ("failure", "acknowledged"), ("failure", "resolved")]
    assert steward.get("/platform/manage/tickets/", params={"stage": "closed"}).status_code == 400
    assert steward.get("/platform/manage/tickets/999999").status_code == 404


def test_who_may_see_tickets_but_not_handle_them_cannot_move_one(web, ticket):
    developer = web.login("data_developer")
    page = developer.get(f"/platform/manage/tickets/{ticket}")
    assert page.status_code == 200 and "/move" not in page.text
    assert web.submit(developer, f"/platform/manage/tickets/{ticket}/move", {"stage": "in_progress"}).status_code == 403


def test_the_pages_in_chromium(web, finished_run, ticket, batches):
    operator, steward = person(web.url, "operator"), person(web.url, "data_steward")
    with chromium() as browser:
        browser.log_in(web.base, operator)
        page = browser.page
        page.goto(web.base + "/platform/manage/")
        page.select_option("#kind", "feed")
        page.fill("#name", FEED)
        page.fill("#reason", "抽检数据复核，暂停上报")
        page.click("form[action='/platform/manage/freeze'] button")
        page.wait_for_url(web.base + "/platform/manage/#freezes")
        assert ("feed", FEED) in _frozen(web)
        assert page.locator("nav.tabs a[aria-current]").inner_text() == "运行 Runs"
        browser.screenshot("manage")
        page.click("form[action='/platform/manage/unfreeze'] button")
        page.wait_for_url(web.base + "/platform/manage/#freezes")
        assert ("feed", FEED) not in _frozen(web)
        page.goto(web.base + f"/platform/manage/runs/{finished_run}")
        assert "RUN_SUCCESS" in page.content()
        page.goto(web.base + "/platform/manage/ingest")
        assert batches in page.content()
        assert browser.errors == []
    with chromium() as browser:
        browser.log_in(web.base, steward)
        page = browser.page
        page.goto(web.base + "/platform/manage/tickets/")
        assert page.locator(f'a[href="/platform/manage/tickets/{ticket}"]').count() == 1
        browser.screenshot("tickets")
        page.goto(web.base + f"/platform/manage/tickets/{ticket}")
        assert "处理记录" in page.content()
        assert browser.errors == []
