"""The catalog pages (资源目录): search, an entry with freshness, lineage and sample rows masked for the reader,
the catalog list as XLSX; each view of data and each export in the audit trail."""

import io

import pytest
from openpyxl import load_workbook

from tests.people import person
from tests.web.browsers import chromium
from tests.web.catalog_tables import ENTERPRISE, LOOKUP, share_tables

DENIALS = ("select seq from control.audit_trail where actor = %s and outcome = 'denied'"
           " and detail ->> 'permission' = 'catalog.view'")
VIEWS = "select detail from control.audit_trail where action = 'data_view' and actor = %s and target = %s order by seq"


@pytest.fixture(scope="module")
def tables(web):
    with share_tables(web.url):
        yield


def _rows(page: str) -> str:
    return page.split("样例数据", 1)[1]


def test_search_finds_entries_by_name_code_provider_share_type_and_item(web):
    browser = web.login("department_user")
    everything = browser.get("/platform/resources/")
    assert everything.status_code == 200
    assert ENTERPRISE in everything.text and "dbt 文档" in everything.text
    by_item = browser.get("/platform/resources/", params={"item": "法定代表人"}).text
    assert ENTERPRISE in by_item and "420000-SYJ-GX-0003" not in by_item
    by_code = browser.get("/platform/resources/", params={"q": "420000-WJW-GX"}).text
    assert LOOKUP in by_code and ENTERPRISE not in by_code
    conditional = browser.get("/platform/resources/", params={"share_type": "有条件共享",
                                                              "provider": "湖北省药品监督管理局"}).text
    assert "420000-SYJ-GX-0006" in conditional and ENTERPRISE not in conditional and LOOKUP not in conditional
    assert "没有符合条件" in browser.get("/platform/resources/", params={"q": "没有这个资源"}).text


def test_search_pages_through_the_entries(web):
    browser = web.login("viewer")
    first, second = (browser.get("/platform/resources/", params={"page": page}).text for page in (1, 2))
    assert "下一页" in first and "第 2 / 2 页" in second
    assert ENTERPRISE in first and ENTERPRISE not in second


@pytest.mark.parametrize("params", [{"page": "0"}, {"page": "x"}, {"page": "99"}, {"share_type": "随便共享"},
                                    {"provider": "没有的单位"}, {"q": "长" * 101}])
def test_a_bad_search_is_a_400_saying_what_is_wrong(web, params):
    answer = web.login("viewer").get("/platform/resources/", params=params)
    assert answer.status_code == 400
    assert 'class="error"' in answer.text


def test_an_entry_page_has_the_catalog_fields_items_freshness_and_lineage(web, tables):
    page = web.login("viewer").get(f"/platform/resources/{ENTERPRISE}")
    assert page.status_code == 200
    for words in ("药品医疗器械化妆品企业基本信息", "湖北省药品监督管理局", "无条件共享", "开放属性", "每日", "法定代表人",
                  'href="/assets/share/enterprise_basic"', "在更新周期内", 'href="/platform/standards/uscc"'):
        assert words in page.text, words


def test_a_department_user_sees_personal_items_masked_and_a_steward_sees_them_whole(web, tables):
    department = web.login("department_user").get(f"/platform/resources/{ENTERPRISE}").text
    steward = web.login("data_steward").get(f"/platform/resources/{ENTERPRISE}").text
    assert "欧阳**" in _rows(department) and "欧阳建国" not in _rows(department)
    assert "欧阳建国" in _rows(steward)
    assert "武汉示例药业有限公司" in _rows(department)


def test_items_of_a_conditionally_shared_entry_are_withheld_from_a_department_user(web, tables):
    department = web.login("department_user").get(f"/platform/resources/{LOOKUP}").text
    steward = web.login("data_steward").get(f"/platform/resources/{LOOKUP}").text
    assert "司马" not in _rows(department) and "均未向您开放" in _rows(department)
    assert "司马小明" in _rows(steward) and "420102202401011234" in _rows(steward)


def test_each_sample_view_is_audited_with_what_was_masked(web, tables):
    name = person(web.url, "department_user")
    before = len(web.audit(VIEWS, (name, f"catalog {ENTERPRISE}")))
    web.login("department_user").get(f"/platform/resources/{ENTERPRISE}")
    views = web.audit(VIEWS, (name, f"catalog {ENTERPRISE}"))
    assert len(views) == before + 1
    assert views[-1][0]["table"] == "share.enterprise_basic" and views[-1][0]["masked"] == "legal_rep"
    assert views[-1][0]["rows"] == 1


def test_an_entry_whose_table_is_not_built_says_so(web):
    page = web.login("viewer").get("/platform/resources/420000-SYJ-GX-0007")
    assert page.status_code == 200 and "数据表尚未构建" in page.text and "从未构建" in page.text


def test_an_entry_with_no_table_behind_it_has_no_sample(web):
    page = web.login("viewer").get("/platform/resources/420000-SYJ-JK-0003")
    assert page.status_code == 200 and "此条目没有数据表" in page.text


def test_an_unknown_code_is_a_404(web):
    answer = web.login("viewer").get("/platform/resources/420000-XXX-GX-9999")
    assert answer.status_code == 404 and "420000-XXX-GX-9999" in answer.text


def test_the_catalog_list_exports_as_xlsx_and_is_audited(web):
    name = person(web.url, "department_user")
    before = len(web.audit(VIEWS, (name, "catalog export")))
    answer = web.login("department_user").get("/platform/resources/export.xlsx")
    assert answer.status_code == 200
    assert "attachment" in answer.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(answer.content))["数据资源目录清单"]
    assert [cell.value for cell in sheet[1]][:2] == ["信息资源代码", "信息资源名称"]
    assert ENTERPRISE in {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    exports = web.audit(VIEWS, (name, "catalog export"))
    assert len(exports) == before + 1 and exports[-1][0]["scope"] == "share"
    assert web.login("department_user").get("/platform/resources/export.xlsx?scope=most").status_code == 400


@pytest.mark.parametrize("path", ["/platform/resources/", f"/platform/resources/{ENTERPRISE}",
                                  "/platform/resources/export.xlsx"])
def test_a_role_without_catalog_view_is_refused(web, path):
    auditor = web.login("audit_admin")
    assert 'href="/platform/resources/"' not in auditor.get("/platform/").text
    before = len(web.audit(DENIALS, (person(web.url, "audit_admin"),)))
    assert auditor.get(path).status_code == 403
    assert len(web.audit(DENIALS, (person(web.url, "audit_admin"),))) == before + 1


def test_in_a_browser_a_search_leads_to_an_entry(web, tables):
    with chromium() as browser:
        browser.log_in(web.base, person(web.url, "department_user"))
        browser.page.wait_for_url(web.base + "/platform/")
        browser.page.goto(web.base + "/platform/resources/")
        browser.page.fill("#item", "法定代表人")
        browser.page.click("button[type=submit] >> text=搜索")
        browser.screenshot("catalog")
        browser.page.click(f"text={ENTERPRISE}")
        browser.page.wait_for_load_state()
        assert "欧阳**" in browser.page.content()
        browser.screenshot("catalog-entry")
        assert browser.errors == []
