"""审计 through the portal: the audit administrator searches the trail and finds an event, sees the chain verified,
and exports what was found to XLSX — the search and the export themselves audited; bad dates are a 400; nobody
else reaches the page."""

import datetime as dt
import io
import uuid

import openpyxl
import psycopg
import pytest

from hubei_data.beijing_time import LOCAL
from hubei_data.control import audit_trail
from hubei_data.control.audit_chain import Action, Outcome
from hubei_data.control.permissions import Role
from tests.people import person
from tests.web.browsers import chromium


@pytest.fixture(scope="module")
def event(web) -> str:
    """An event in the trail to look for: a freeze refused for someone; its target."""
    target = f"feed probe_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(web.url, autocommit=True) as conn:
        audit_trail.append(conn, "t_someone", "cli@tests", Action.CONFIG_CHANGE, target, Outcome.FAILURE,
                           {"change": "freeze", "error": "there is no such feed"})
    return target


def _today() -> str:
    return dt.datetime.now(LOCAL).date().isoformat()


def test_the_auditor_searches_the_trail_and_finds_the_event_with_the_chain_verified(web, event):
    auditor = web.login("audit_admin")
    found = auditor.get("/platform/audit/", params={"since": _today(), "until": _today(), "actor": "t_someone",
                                                    "action": "config_change", "outcome": "failure",
                                                    "target": event[5:]})
    assert found.status_code == 200
    assert event in found.text and "there is no such feed" in found.text
    assert "链校验" not in found.text, "the chain is walked only when asked"
    verified = auditor.get("/platform/audit/", params={"target": event[5:], "verify": "yes"})
    assert "链校验通过 Chain verified" in verified.text and event in verified.text
    rows = found.text.split("<table>", 1)[1].split("</table>", 1)[0].count("<tr") - 1
    assert rows == 1
    none = auditor.get("/platform/audit/", params={"target": event[5:], "outcome": "success"})
    assert event not in none.text and "没有符合条件的审计记录" in none.text
    searched = web.audit("select detail from control.audit_trail where actor = 't_audit_admin'"
                         " and action = 'data_view' and target = 'audit trail' order by seq desc limit 3")
    assert searched[2][0]["target_contains"] == event[5:] and searched[2][0]["shown"] == 1
    assert (searched[1][0]["verified"], searched[2][0]["verified"]) == (True, False)


def test_the_export_holds_the_events_found_and_is_itself_audited(web, event):
    auditor = web.login("audit_admin")
    exported = auditor.get("/platform/audit/export", params={"target": event[5:]})
    assert exported.status_code == 200 and "attachment" in exported.headers["content-disposition"]
    book = openpyxl.load_workbook(io.BytesIO(exported.content))
    trail = list(book["审计日志"].iter_rows(values_only=True))
    assert trail[0][:3] == ("序号", "时间 (北京时间)", "用户")
    assert [(row[2], row[5], row[6]) for row in trail[1:]] == [("t_someone", event, "failure")]
    assert book.sheetnames == ["审计日志", "接口调用日志"]
    (detail,), = web.audit("select detail from control.audit_trail where actor = 't_audit_admin'"
                           " and action = 'data_export' and target = 'audit trail' order by seq desc limit 1")
    assert detail["events"] == 1 and detail["target_contains"] == event[5:] and detail["file"].endswith(".xlsx")


@pytest.mark.parametrize(("params", "message"), [
    ({"since": "2026-02-30"}, "since &#39;2026-02-30&#39; is not a date"),
    ({"until": "yesterday"}, "until &#39;yesterday&#39; is not a date"),
    ({"since": "2026-12-05", "until": "2026-12-01"}, "the range runs backwards"),
    ({"action": "delete_everything"}, "unknown action"),
    ({"outcome": "maybe"}, "unknown outcome"),
])
def test_bad_dates_and_choices_are_a_400_saying_why(web, params, message):
    auditor = web.login("audit_admin")
    for path in ("/platform/audit/", "/platform/audit/export"):
        refused = auditor.get(path, params=params)
        assert refused.status_code == 400 and message in refused.text, path


@pytest.mark.parametrize("role", [role for role in Role if role != Role.AUDIT_ADMIN])
def test_nobody_but_the_audit_administrator_reaches_the_trail(web, role):
    browser = web.login(role, person(web.url, role))
    menu = browser.get("/platform/").text.split("<nav", 1)[1].split("</nav>", 1)[0]
    assert "/platform/audit/" not in menu
    assert browser.get("/platform/audit/").status_code == 403
    assert browser.get("/platform/audit/export").status_code == 403
    denied = web.audit("select count(*) from control.audit_trail where actor = %s and outcome = 'denied'"
                       " and target = '/platform/audit/export'", (person(web.url, role),))
    assert denied[0][0] >= 1


def test_the_audit_page_in_chromium(web, event):
    with chromium() as browser:
        browser.log_in(web.base, person(web.url, "audit_admin"))
        page = browser.page
        page.goto(web.base + "/platform/audit/")
        page.fill("#since", _today())
        page.select_option("#action", "config_change")
        page.click("form[action='/platform/audit/'] button")
        page.wait_for_url("**/platform/audit/?*")
        page.click("text=校验审计链 Verify the hash chain")
        page.wait_for_url("**verify=yes")
        assert "链校验通过" in page.content() and event in page.content()
        browser.screenshot("audit")
        assert browser.errors == []
