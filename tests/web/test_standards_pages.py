"""The data standards pages (数据标准): elements searched, an element with its versioned code list and where it is
used, the standards workbook as XLSX and audited."""

import io

import pytest
from openpyxl import load_workbook

from tests.people import person
from tests.web.browsers import chromium

EXPORTS = "select detail from control.audit_trail where action = 'data_view' and actor = %s and target = %s"


def test_the_elements_are_listed_and_searched(web):
    browser = web.login("viewer")
    everything = browser.get("/platform/standards/")
    assert everything.status_code == 200
    assert 'href="/platform/standards/uscc"' in everything.text and 'href="/platform/standards/sex"' in everything.text
    found = browser.get("/platform/standards/", params={"q": "性别"}).text
    assert 'href="/platform/standards/sex"' in found and 'href="/platform/standards/uscc"' not in found
    by_standard = browser.get("/platform/standards/", params={"standard": "gb_32100"}).text
    assert 'href="/platform/standards/uscc"' in by_standard and 'href="/platform/standards/sex"' not in by_standard
    assert "没有符合条件" in browser.get("/platform/standards/", params={"q": "没有这个数据元"}).text


@pytest.mark.parametrize("params", [{"standard": "gb_0000"}, {"q": "长" * 101}])
def test_a_bad_search_is_a_400_saying_what_is_wrong(web, params):
    answer = web.login("viewer").get("/platform/standards/", params=params)
    assert answer.status_code == 400 and 'class="error"' in answer.text


def test_an_element_shows_its_code_list_versions_and_where_it_is_used(web):
    page = web.login("department_user").get("/platform/standards/sex")
    assert page.status_code == 200
    for words in ("人的性别代码", "GB/T 2261.1-2003", "未说明的性别", "现行", "birth_certificate.sex",
                  "share.newborn_vaccination.sex", 'href="/platform/resources/420000-WJW-GX-0001"'):
        assert words in page.text, words


def test_an_element_without_a_code_list_has_none(web):
    page = web.login("viewer").get("/platform/standards/uscc")
    assert page.status_code == 200 and "代码集" not in page.text.split("<h1>", 1)[1].split("使用情况")[0]
    assert 'href="/platform/resources/420000-SYJ-GX-0001"' in page.text


def test_an_unknown_element_is_a_404(web):
    answer = web.login("viewer").get("/platform/standards/no_such_element")
    assert answer.status_code == 404 and "no_such_element" in answer.text


def test_the_standards_export_as_xlsx_and_are_audited(web):
    name = person(web.url, "department_user")
    before = len(web.audit(EXPORTS, (name, "standards export")))
    answer = web.login("department_user").get("/platform/standards/export.xlsx")
    assert answer.status_code == 200 and "attachment" in answer.headers["content-disposition"]
    book = load_workbook(io.BytesIO(answer.content))
    assert book.sheetnames == ["数据元", "代码集", "代码集版本"]
    assert [cell.value for cell in book["数据元"][1]][:2] == ["标识符", "中文名称"]
    exports = web.audit(EXPORTS, (name, "standards export"))
    assert len(exports) == before + 1 and exports[-1][0]["format"] == "xlsx"


@pytest.mark.parametrize("path", ["/platform/standards/", "/platform/standards/sex", "/platform/standards/export.xlsx"])
def test_a_role_without_catalog_view_is_refused(web, path):
    auditor = web.login("audit_admin")
    assert 'href="/platform/standards/"' not in auditor.get("/platform/").text
    before = web.audit("select count(*) from control.audit_trail where actor = %s and outcome = 'denied'",
                       (person(web.url, "audit_admin"),))[0][0]
    assert auditor.get(path).status_code == 403
    after = web.audit("select count(*) from control.audit_trail where actor = %s and outcome = 'denied'",
                      (person(web.url, "audit_admin"),))[0][0]
    assert after == before + 1


def test_in_a_browser_a_search_leads_to_an_element(web):
    with chromium() as browser:
        browser.log_in(web.base, person(web.url, "viewer"))
        browser.page.wait_for_url(web.base + "/platform/")
        browser.page.goto(web.base + "/platform/standards/")
        browser.page.fill("#q", "许可")
        browser.page.click("button[type=submit] >> text=搜索")
        browser.screenshot("standards")
        browser.page.fill("#q", "性别")
        browser.page.click("button[type=submit] >> text=搜索")
        browser.page.click("text=sex")
        browser.page.wait_for_load_state()
        assert "人的性别代码" in browser.page.content()
        browser.screenshot("standards-element")
        assert browser.errors == []
