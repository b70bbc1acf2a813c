"""报告 through the portal: a report generated for a chosen week or year as `hubei-data report` makes it, listed,
opened as HTML and downloaded as XLSX, each audited; a bad period is a 400; who may not read reports is refused."""

import io
from urllib.parse import unquote

import openpyxl
import pytest

from hubei_data.reports.periods import today
from hubei_data.reports.writing import DIR_VARIABLE
from tests.people import person
from tests.web.browsers import chromium

BULLETIN = "数据质量通报-2026-W48"


@pytest.fixture(scope="module")
def folder(web, tmp_path_factory):
    """The reports folder, one of this module's own."""
    with pytest.MonkeyPatch.context() as patch:
        path = tmp_path_factory.mktemp("reports")
        patch.setenv(DIR_VARIABLE, str(path))
        yield path


def test_an_operator_generates_a_quality_bulletin_for_a_chosen_week_and_opens_and_downloads_it(web, folder):
    operator = web.login("operator")
    made = web.submit(operator, "/platform/reports/generate", {"kind": "quality", "week": "2026-W48"})
    assert (made.status_code, unquote(made.headers["location"])) == (303, f"/platform/reports/?made={BULLETIN}")
    assert sorted(path.name for path in folder.iterdir()) == [f"{BULLETIN}.html", f"{BULLETIN}.xlsx"]
    listed = operator.get("/platform/reports/")
    assert listed.status_code == 200 and BULLETIN in listed.text and "数据质量通报" in listed.text

    page = operator.get(f"/platform/reports/files/{BULLETIN}.html")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "img-src data:" in page.headers["content-security-policy"]
    assert "script" not in page.headers["content-security-policy"] and "数据质量通报" in page.text
    workbook = operator.get(f"/platform/reports/files/{BULLETIN}.xlsx")
    assert workbook.status_code == 200 and "attachment" in workbook.headers["content-disposition"]
    assert openpyxl.load_workbook(io.BytesIO(workbook.content)).sheetnames

    audited = web.audit("select action, target, outcome, detail ->> 'file' from control.audit_trail"
                        " where actor = 't_operator' and target = %s order by seq", (f"report {BULLETIN}",))
    assert audited[0][:3] == ("data_export", f"report {BULLETIN}", "success")
    assert audited[1:] == [("data_view", f"report {BULLETIN}", "success", f"{BULLETIN}.html"),
                           ("data_view", f"report {BULLETIN}", "success", f"{BULLETIN}.xlsx")]


def test_the_weekly_sharing_report_and_the_annual_report_are_generated_for_a_week_and_a_year(web, folder):
    steward = web.login("data_steward")
    year = today().year
    for fields, name in (({"kind": "weekly", "week": "2026-W48"}, "政务信息共享情况周报-2026-W48"),
                         ({"kind": "annual", "year": str(year)}, f"年度运维报告-{year}")):
        made = web.submit(steward, "/platform/reports/generate", fields)
        assert made.status_code == 303, made.text
        assert (folder / f"{name}.html").is_file() and (folder / f"{name}.xlsx").is_file()
    assert web.audit("select count(*) from control.audit_trail where actor = 't_data_steward'"
                     " and action = 'data_export' and target like 'report %%' and outcome = 'success'")[0][0] == 2


@pytest.mark.parametrize(("fields", "message"), [
    ({"kind": "quality", "week": "2026-W60"}, "2026 has no week 60"),
    ({"kind": "weekly", "week": "last week"}, "is not an ISO week: write it as 2026-W48"),
    ({"kind": "annual", "year": "twenty"}, "is not a year"),
    ({"kind": "monthly", "week": "2026-W48"}, "unknown report"),
])
def test_a_bad_period_or_kind_is_a_400_saying_why(web, folder, fields, message):
    refused = web.submit(web.login("operator"), "/platform/reports/generate", fields)
    assert refused.status_code == 400 and message in refused.text


@pytest.mark.parametrize("name", ["nothing.html", f"{BULLETIN}.txt", ".hidden.html"])
def test_only_a_report_in_the_folder_is_served(web, folder, name):
    assert web.login("operator").get(f"/platform/reports/files/{name}").status_code == 404


def test_a_department_user_neither_sees_nor_reaches_the_reports(web, folder):
    department = web.login("department_user")
    menu = department.get("/platform/").text.split("<nav", 1)[1].split("</nav>", 1)[0]
    assert "/platform/reports/" not in menu
    assert department.get("/platform/reports/").status_code == 403
    assert department.get(f"/platform/reports/files/{BULLETIN}.xlsx").status_code == 403
    refused = web.submit(department, "/platform/reports/generate", {"kind": "quality", "week": "2026-W47"})
    assert refused.status_code == 403
    assert not (folder / "数据质量通报-2026-W47.html").exists()


def test_the_reports_page_in_chromium(web, folder):
    with chromium() as browser:
        browser.log_in(web.base, person(web.url, "operator"))
        page = browser.page
        page.goto(web.base + "/platform/reports/")
        page.fill("#quality-week", "2026-W49")
        page.click("text=生成通报 Quality bulletin")
        page.wait_for_url("**/platform/reports/?made=*")
        assert "已生成 Generated: 数据质量通报-2026-W49" in page.content()
        browser.screenshot("reports")
        page.click("a[href$='%E6%95%B0%E6%8D%AE%E8%B4%A8%E9%87%8F%E9%80%9A%E6%8A%A5-2026-W49.html']")
        assert "数据质量通报" in page.locator("h1").inner_text()
        assert browser.errors == []
