"""共享管理 through the pages: a department applies for data through the data API or into its front-end database,
the security administrator decides, and the grant answers signed calls or the subscription's push delivers rows."""

import datetime as dt
import re
import shutil
from urllib.parse import urlencode

import psycopg
import pytest
import sqlalchemy as sa

from hubei_data import project
from hubei_data.exchange.share_push import push_subscription
from hubei_data.exchange.subscription import load_subscriptions
from hubei_data.exchange.targets import Target
from hubei_data.web.app import Settings, create_app
from tests.api.conftest import service  # noqa: F401  (the data API over its share database)
from tests.polling import wait_for
from tests.serving import serving
from tests.web.browsers import Web, chromium
from tests.people import person

REGISTRY = project.root() / "registry"
TARGET = "TEST_SHARING_TARGET_URL"
TODAY = dt.date.today()
PERIOD = {"valid_from": TODAY.isoformat(), "valid_until": (TODAY + dt.timedelta(days=365)).isoformat()}
PENALTIES = {
    "dataset": "penalty_info", "channel": "front_end", "fields": ["case_no", "uscc", "decided_on", "fine_yuan"],
    "scope_field": "fine_yuan", "scope_op": ">=", "scope_value": "100", "department": "湖北省医疗保障局",
    "url_env": TARGET, "table": "yj_penalty_portal", "purpose": "医保基金监管：定点药店处罚信息", **PERIOD,
}


@pytest.fixture
def project_dir(tmp_path, monkeypatch):
    """A copy of the project's registry the platform runs on (HUBEI_DATA_PROJECT_DIR), for approvals to declare
    subscriptions in."""
    shutil.copytree(REGISTRY, tmp_path / "registry")
    monkeypatch.setenv(project.VARIABLE, str(tmp_path))
    return tmp_path


@pytest.fixture
def portal(share_db, project_dir, tmp_path):
    """The web app over the share database the data API and pushes use."""
    app = create_app(Settings(share_db.url, tmp_path / "dagster.sock", tmp_path / "static_index.html"))
    with serving(app) as base:
        yield Web(base, share_db.url, tmp_path / "static_index.html")


def _penalties(conn: psycopg.Connection, count: int) -> None:
    """`count` penalties P1…P<count> in the share library, fined 50 yuan times their number."""
    conn.execute(
        "insert into share.penalty_info (case_no, uscc, enterprise_name, decided_on, violation, fine_yuan,"
        " confiscated_yuan, _batch_id, _row_number, _row_hash, _first_sync_id, _sync_id, _synced_at)"
        " select 'P' || n, '91420100MA4K12345K', '企业', date '2026-05-01', '违法', n * 50, 0, 1, n,"
        " md5(n::text), 's', 's', clock_timestamp() from generate_series(1, %s) n", (count,))
    conn.commit()


def _granted(url: str, grant_id: int) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute("select status, fields, row_scope, applied_by, decided_by, note from api.grants"
                            " where grant_id = %s", (grant_id,)).fetchall()


def _applied(answer) -> int:
    assert answer.status_code == 303, answer.text
    return int(re.fullmatch(r"/platform/sharing/(\d+)", answer.headers["location"]).group(1))


def test_an_api_application_approved_on_the_review_page_answers_the_departments_signed_calls(portal, service):
    consumer = service.consumer()
    department = portal.login("department_user")
    form = department.get("/platform/sharing/apply?dataset=enterprise_basic")
    assert form.status_code == 200 and "企业基本信息查询" in form.text and consumer.app_key in form.text
    grant_id = _applied(portal.submit(department, "/platform/sharing/apply", {
        "dataset": "enterprise_basic", "channel": "api", "api": "enterprise", "app_key": consumer.app_key,
        "fields": ["uscc", "name", "division_code"], "scope_field": "division_code", "scope_op": "=",
        "scope_value": "420102", "purpose": "医保定点药店资格核验", **PERIOD,
    }))
    assert _granted(portal.url, grant_id)[0][:4] == (
        "pending", ["uscc", "name", "division_code"], [{"field": "division_code", "op": "=", "value": "420102"}],
        person(portal.url, "department_user"))

    approver = portal.login("security_admin")
    review = approver.get(f"/platform/sharing/{grant_id}/review")
    assert review.status_code == 200 and "420000-SYJ-GX" in review.text and "负面清单" in review.text
    decided = portal.submit(approver, f"/platform/sharing/{grant_id}/review", {"decision": "approve",
                                                                               "comment": "同意，按需最小化"})
    assert decided.status_code == 303
    assert _granted(portal.url, grant_id)[0][0::5] == ("approved", "同意，按需最小化")

    wait_for(lambda: (consumer.app_key, "enterprise") in service.app.state.book.grants, what="the grant to load")
    answer = consumer.post("/v1/apis/enterprise", {"name": "武汉", "page_size": 100})
    assert answer.status_code == 200, answer.text
    rows = answer.json()["rows"]
    assert len(rows) == 15 and {row["division_code"] for row in rows} == {"420102"}
    assert set(rows[0]) == {"uscc", "name", "division_code"}

    mine = department.get("/platform/sharing/")
    assert mine.status_code == 200 and f'/platform/sharing/{grant_id}"' in mine.text and "已批准" in mine.text
    wait_for(lambda: service.logged("select count(*) from api.calls where grant_id = %s", (grant_id,))[0][0],
             what="the call to be logged")
    detail = department.get(f"/platform/sharing/{grant_id}")
    assert detail.status_code == 200 and "enterprise" in detail.text and ">200<" in detail.text
    assert portal.audit("select actor, outcome from control.audit_trail where action = 'grant_decision'"
                        " and target = %s", (f"grant {grant_id}",)) == [(person(portal.url, "security_admin"),
                                                                         "success")]
    assert portal.audit("select count(*) from control.audit_trail where action = 'data_view' and target = %s",
                        (f"grant {grant_id}",))[0][0] >= 2

    assert portal.submit(department, f"/platform/sharing/{grant_id}/revoke").status_code == 403
    assert portal.submit(approver, f"/platform/sharing/{grant_id}/revoke", {"comment": "停用"}).status_code == 303
    wait_for(lambda: (consumer.app_key, "enterprise") not in service.app.state.book.grants,
             what="the service to drop the revoked grant")
    assert consumer.post("/v1/apis/enterprise", {"name": "武汉"}).status_code == 403


def test_a_front_end_application_approved_becomes_a_subscription_whose_push_delivers_the_rows(
        portal, project_dir, fresh_database, monkeypatch):
    department = portal.login("department_user")
    grant_id = _applied(portal.submit(department, "/platform/sharing/apply", PENALTIES))
    approver = portal.login("security_admin")
    assert portal.submit(approver, f"/platform/sharing/{grant_id}/review", {"decision": "approve"}).status_code == 303

    declared = {s.id: s for s in load_subscriptions(project_dir / "registry")}
    subscription = declared[f"application_{grant_id}"]
    assert (subscription.department, subscription.fields, subscription.mode, subscription.target_table) == (
        "湖北省医疗保障局", ("case_no", "uscc", "decided_on", "fine_yuan"), "upsert", "yj_penalty_portal")

    target = fresh_database("target").url.replace("postgresql://", "postgresql+psycopg://", 1)
    monkeypatch.setenv(TARGET, target)
    with psycopg.connect(portal.url) as conn:
        _penalties(conn, 6)
        pushed = push_subscription(conn, subscription, Target(subscription.target_url()), "portal-test", TODAY)
    assert (pushed.status, pushed.rows) == ("succeeded", 5)
    engine = sa.create_engine(target)
    with engine.connect() as conn:
        delivered = conn.execute(sa.text("select case_no, fine_yuan from yj_penalty_portal order by 2")).fetchall()
    engine.dispose()
    assert [tuple(row) for row in delivered] == [(f"P{n}", n * 50) for n in range(2, 7)]

    detail = department.get(f"/platform/sharing/{grant_id}")
    assert detail.status_code == 200 and "succeeded" in detail.text and f"application_{grant_id}" in detail.text

    assert 'action="/platform/sharing/%d/revoke"' % grant_id not in detail.text
    assert portal.submit(approver, f"/platform/sharing/{grant_id}/revoke", {"comment": "业务终止"}).status_code == 303
    assert f"application_{grant_id}" not in {s.id for s in load_subscriptions(project_dir / "registry")}
    assert portal.audit("select detail->>'decision', outcome from control.audit_trail where action = 'grant_decision'"
                        " and target = %s order by seq", (f"grant {grant_id}",)) == [("approved", "success"),
                                                                                    ("revoked", "success")]


def test_a_field_on_the_negative_list_is_refused_naming_it(portal, project_dir):
    negative = project_dir / "registry" / "lists" / "negative.yaml"
    negative.write_text(negative.read_text(encoding="utf-8") + (
        "  FM-T-009:\n    name: 违法行为描述\n    item: penalty_info.violation\n    legal_basis: 测试依据\n"
        "    office: 测试处室\n"), encoding="utf-8")
    department = portal.login("department_user")
    refused = portal.submit(department, "/platform/sharing/apply", {**PENALTIES, "fields": ["case_no", "violation"]})
    assert refused.status_code == 400
    assert "violation is negative-list item FM-T-009 违法行为描述" in refused.text
    assert portal.audit("select count(*) from api.grants")[0][0] == 0


def test_bad_input_is_a_400_saying_what(portal):
    department = portal.login("department_user")
    unknown = department.get("/platform/sharing/apply?dataset=nope")
    assert unknown.status_code == 400 and "not a share dataset" in unknown.text
    backwards = portal.submit(department, "/platform/sharing/apply", {
        **PENALTIES, "valid_from": "2027-01-01", "valid_until": "2026-01-01"})
    assert backwards.status_code == 400 and "before it starts" in backwards.text
    no_date = portal.submit(department, "/platform/sharing/apply", {**PENALTIES, "valid_until": "soon"})
    assert no_date.status_code == 400 and "YYYY-MM-DD" in no_date.text
    bad_scope = portal.submit(department, "/platform/sharing/apply", {**PENALTIES, "scope_value": "lots"})
    assert bad_scope.status_code == 400 and "fine_yuan" in bad_scope.text


def test_a_department_user_cannot_review_or_decide(portal):
    department = portal.login("department_user")
    grant_id = _applied(portal.submit(department, "/platform/sharing/apply", PENALTIES))
    assert department.get(f"/platform/sharing/{grant_id}/review").status_code == 403
    assert portal.submit(department, f"/platform/sharing/{grant_id}/review",
                         {"decision": "approve"}).status_code == 403
    assert _granted(portal.url, grant_id)[0][0] == "pending"
    assert portal.audit("select count(*) from control.audit_trail where outcome = 'denied' and actor = %s"
                        " and target = %s", (person(portal.url, "department_user"), f"grant {grant_id}"))[0][0] == 2
    approver = portal.login("security_admin")
    assert portal.submit(approver, f"/platform/sharing/{grant_id}/review",
                         {"decision": "reject", "comment": "用途不明确"}).status_code == 303
    assert _granted(portal.url, grant_id)[0][0::5] == ("rejected", "用途不明确")
    assert portal.submit(approver, f"/platform/sharing/{grant_id}/review",
                         {"decision": "maybe"}).status_code == 400
    viewer = portal.login("viewer")
    assert viewer.get("/platform/sharing/").status_code == 403
    assert 'href="/platform/sharing/"' not in viewer.get("/platform/").text
    other = portal.login("department_user", person(portal.url, "department_user", "t_other_department"))
    assert other.get(f"/platform/sharing/{grant_id}").status_code == 404


def test_approved_shares_ending_within_30_days_or_ended_are_flagged(portal):
    applicant = person(portal.url, "department_user")
    with psycopg.connect(portal.url) as conn:
        for days in (-1, 10, 200):
            conn.execute(
                "insert into api.grants (channel, department, dataset, fields, purpose, valid_from, valid_until,"
                " status, applied_by, delivery) values ('front_end', '湖北省医疗保障局', 'penalty_info', '{case_no}',"
                " '监管', current_date - 400, current_date + %s, 'approved', %s, '{}')", (days, applicant))
    page = portal.login("department_user").get("/platform/sharing/")
    assert page.status_code == 200
    assert page.text.count("已过期 expired") == 1 and page.text.count("30 天内到期 expiring") == 1
    assert portal.audit("select detail->>'scope' from control.audit_trail where action = 'data_view'"
                        " and target = 'sharing applications' and actor = %s", (applicant,)) == [("own",)]


def test_apply_and_approve_in_chromium(portal):
    department, approver = person(portal.url, "department_user"), person(portal.url, "security_admin")
    with chromium() as browser:
        browser.log_in(portal.base, department)
        browser.page.wait_for_url(portal.base + "/platform/")
        browser.page.goto(portal.base + "/platform/sharing/apply?dataset=penalty_info")
        browser.page.fill("#department", PENALTIES["department"])
        browser.page.fill("#url_env", TARGET)
        browser.page.fill("#table", PENALTIES["table"])
        browser.page.fill("#purpose", PENALTIES["purpose"])
        browser.page.check("input[name=channel][value=front_end]")
        browser.screenshot("sharing-apply")
        browser.page.click("form.apply button[type=submit]")
        assert re.search(r"/platform/sharing/\d+$", browser.page.url)
        grant_id = int(browser.page.url.rsplit("/", 1)[1])
        browser.page.click("form.who button")
        browser.log_in(portal.base, approver)
        browser.page.wait_for_url(portal.base + "/platform/")
        browser.page.goto(portal.base + f"/platform/sharing/{grant_id}/review")
        browser.page.fill("input[name=comment]", "同意")
        browser.screenshot("sharing-review")
        browser.page.click("button[value=approve]")
        assert "已批准" in browser.page.content()
        browser.screenshot("sharing-share")
        browser.page.goto(portal.base + "/platform/sharing/")
        browser.screenshot("sharing-list")
        assert browser.errors == []
    assert _granted(portal.url, grant_id)[0][0] == "approved"


def test_apply_approve_deliver_freeze_and_audit_it_all_in_chromium(portal, fresh_database, monkeypatch):
    """The walk the portal is judged by: a department applies, is refused an operator's page, the security
    administrator approves, the push delivers, an operator freezes the new subscription, and the audit
    administrator finds every step in the trail."""
    department, approver = person(portal.url, "department_user"), person(portal.url, "security_admin")
    operator, auditor = person(portal.url, "operator"), person(portal.url, "audit_admin")
    with chromium() as browser:
        page = browser.page
        browser.log_in(portal.base, department)
        page.goto(portal.base + "/platform/sharing/apply?dataset=penalty_info")
        for field in ("department", "url_env", "table", "purpose"):
            page.fill(f"#{field}", PENALTIES[field])
        page.check("input[name=channel][value=front_end]")
        page.click("form.apply button[type=submit]")
        grant_id = int(page.url.rsplit("/", 1)[1])
        assert page.goto(portal.base + "/platform/manage/").status == 403
        assert "没有权限" in page.content()
        browser.errors.clear()
        page.goto(portal.base + "/platform/")
        page.click("form.who button")

        browser.log_in(portal.base, approver)
        page.goto(portal.base + f"/platform/sharing/{grant_id}/review")
        page.fill("input[name=comment]", "同意")
        page.click("button[value=approve]")
        page.click("form.who button")

        subscription = {s.id: s for s in load_subscriptions(project.root() / "registry")}[f"application_{grant_id}"]
        target = fresh_database("walk_target").url.replace("postgresql://", "postgresql+psycopg://", 1)
        monkeypatch.setenv(TARGET, target)
        with psycopg.connect(portal.url) as conn:
            _penalties(conn, 1)
            pushed = push_subscription(conn, subscription, Target(subscription.target_url()), "portal-walk", TODAY)
        assert (pushed.status, pushed.rows) == ("succeeded", 1)

        browser.log_in(portal.base, operator)
        page.goto(portal.base + "/platform/manage/")
        page.select_option("#kind", "subscription")
        page.fill("#name", subscription.id)
        page.fill("#reason", "前置库迁移，暂停推送")
        page.click("form[action='/platform/manage/freeze'] button")
        page.wait_for_load_state()
        assert page.url == portal.base + "/platform/manage/#freezes", page.locator("main").inner_text()
        page.click("form.who button")

        browser.log_in(portal.base, auditor)
        for search, actor, action in (({"actor": department, "outcome": "denied"}, department, "/platform/manage"),
                                      ({"target": f"grant {grant_id}"}, approver, "grant_decision"),
                                      ({"target": subscription.id}, operator, "config_change")):
            page.goto(portal.base + "/platform/audit/?" + urlencode(search))
            trail = page.locator("table").last.inner_text()
            assert any(actor in line and action in line for line in trail.splitlines()), (search, trail)
        assert browser.errors == []
