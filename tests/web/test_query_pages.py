"""数据查询: share tables queried by field, personal fields masked by role, exports and metric charts, all audited."""

import csv
import datetime as dt
import io
import os
import uuid
from urllib.parse import urlencode

import openpyxl
import psycopg
import pytest

from hubei_data import roles
from hubei_data.api import store
from hubei_data import warehouse as warehouse_module
from hubei_data.control import schema
from hubei_data.control.permissions import Role
from hubei_data.reports import fonts
from hubei_data.web import query_pages
from hubei_data.web.app import Settings, create_app
from tests.people import PASSWORD, person
from tests.serving import serving
from tests.share_library import create_empty_share_library
from tests.web.browsers import Web, chromium

ENTERPRISES = "share.enterprise_basic"
LOOKUP = "share.newborn_vaccination_lookup"
CHILD_ID = "110101202301010016"


def _fill(conn: psycopg.Connection) -> None:
    """30 pharmacies, half in Wuhan's 420102 and half in 420500; two children's vaccinations; metric values."""
    conn.execute(
        "insert into share.enterprise_basic (uscc, name, legal_rep, address, division_code, division_name,"
        " enterprise_type, established_on, status)"
        " select '9142010' || lpad(n::text, 10, '0') || 'X', '武汉第' || n || '药房', '张*', '武汉', "
        " case when n % 2 = 0 then '420102' else '420500' end, '区', '药品零售', date '2020-01-01' + n, '存续'"
        " from generate_series(1, 30) n")
    conn.execute(
        "insert into share.newborn_vaccination_lookup (record_id, birth_cert_no, child_id_no, child_name, sex,"
        " birth_date, vaccine_code, vaccine_name, dose_no, vaccinated_on, unit_code, division_code) values"
        " ('JZ1', 'A123456789', %s, '欧阳小明', '男', '2023-01-01', '0201', '乙肝疫苗', 1, '2023-01-01', 'U1', '420102'),"
        " ('JZ2', 'B000000001', '420102202301020024', '王芳', '女', '2023-01-02', '0101', '卡介苗', 1, '2023-01-02',"
        " 'U2', '420103')", (CHILD_ID,))
    conn.execute(
        "insert into metric.metric_values (metric_code, partition_key, period_start, period_end, dims, value, run_id)"
        " select 'sampling_batches_month', month, month, (month + interval '1 month - 1 day')::date, '{}', batches, 't'"
        " from (values (date '2026-08-01', 120), (date '2026-09-01', 135), (date '2026-10-01', 98)) as v(month, batches)")
    conn.execute(
        "insert into metric.metric_values (metric_code, partition_key, period_start, period_end, dims, value, run_id)"
        " values ('inspections_month', '2026-10-01', '2026-10-01', '2026-10-31', '{\"division\": \"420102\"}', 41, 't'),"
        " ('inspections_month', '2026-10-01', '2026-10-01', '2026-10-31', '{\"division\": \"420500\"}', 17, 't')")


@pytest.fixture(scope="module")
def web(warehouse, tmp_path_factory):
    """The app over a database of the module's own holding a filled share library and metric values; the readers
    reach it through their own URLs, as with an external warehouse."""
    info = warehouse_module.create_database(f"query_{uuid.uuid4().hex[:8]}")
    with psycopg.connect(info.url, autocommit=True) as conn:
        create_empty_share_library(conn)
    schema.upgrade(info)
    with psycopg.connect(info.url, autocommit=True) as conn:
        _fill(conn)
    variables = {warehouse_module.URL_VARIABLE: info.url,
                 **{variable: info.as_role(role).url for role, variable in warehouse_module.READER_URL_VARIABLES.items()}}
    before = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    warehouse_module.connect_info.cache_clear()
    warehouse_module.connect_info()
    directory = tmp_path_factory.mktemp("query")
    try:
        app = create_app(Settings(info.url, directory / "dagster.sock", directory / "static_index.html"))
        with serving(app) as base:
            yield Web(base, info.url, directory / "static_index.html")
    finally:
        for name, value in before.items():
            os.environ.pop(name) if value is None else os.environ.__setitem__(name, value)
        warehouse_module.connect_info.cache_clear()
        warehouse_module.drop_database(info.dbname)


def _views(web: Web, target: str) -> list[dict]:
    return [detail for (detail,) in web.audit(
        "select detail from control.audit_trail where action = 'data_view' and target = %s order by seq", (target,))]


def test_a_filtered_query_shows_the_matching_rows_counted_and_is_audited(web):
    browser = web.login(Role.DEPARTMENT_USER)
    page = browser.get("/platform/query/", params=[
        ("table", ENTERPRISES), ("field", "division_code"), ("op", "="), ("value", "420500"),
        ("field", "established_on"), ("op", ">="), ("value", "2020-01-20"), ("order", "uscc"), ("desc", "1")])
    assert page.status_code == 200, page.text
    assert "共 6 行" in page.text  # n odd and 19 ≤ n ≤ 30: 19, 21, …, 29
    assert 'value="2020-01-20"' in page.text, "the form shows the filters asked"
    shown = [n for n in range(1, 31) if f"武汉第{n}药房" in page.text]
    assert shown == [19, 21, 23, 25, 27, 29]
    assert page.text.index("武汉第29药房") < page.text.index("武汉第19药房")
    assert _views(web, f"query {ENTERPRISES}")[-1] == {
        "filters": "division_code = 420500; established_on >= 2020-01-20", "order": "uscc", "descending": True,
        "page": 1, "rows": 6, "total": 6}


def test_contains_finds_text_anywhere_and_pages_hold_fifty_rows(web):
    browser = web.login(Role.DATA_STEWARD)
    found = browser.get("/platform/query/", params={"table": ENTERPRISES, "field": "name", "op": "contains",
                                                    "value": "第2"})
    assert "共 11 行" in found.text  # 2, 20…29
    whole = browser.get("/platform/query/", params={"table": ENTERPRISES, "page": "2"})
    assert whole.status_code == 200 and "第 2 / 1 页" in whole.text and "没有匹配的行" in whole.text


def test_a_department_user_sees_personal_fields_masked_and_cannot_filter_by_them(web):
    browser = web.login(Role.DEPARTMENT_USER)
    page = browser.get("/platform/query/", params={"table": LOOKUP})
    assert page.status_code == 200, page.text
    assert CHILD_ID not in page.text and "欧阳小明" not in page.text
    assert "110101********0016" in page.text
    assert "脱敏显示" in page.text
    probing = browser.get("/platform/query/", params={"table": LOOKUP, "field": "child_id_no", "op": "=",
                                                      "value": CHILD_ID})
    assert probing.status_code == 400 and "masked" in probing.text
    assert browser.get("/platform/query/", params={"table": LOOKUP, "order": "child_name"}).status_code == 400


def _share(web, username: str, fields: list[str], scope: list[dict], personal: bool, days: int = 30) -> int:
    """An approved share of the lookup dataset the person applied for, in force for `days` more days (past if < 0)."""
    today = dt.date.today()
    period = (today - dt.timedelta(days=60), today + dt.timedelta(days=days))
    with psycopg.connect(web.url, autocommit=True) as conn:
        grant_id = store.apply_front_end(conn, username, "湖北省公安厅", "newborn_vaccination_lookup", fields, scope,
                                         "户籍登记核验", *period, {"url_env": "X_URL", "table": "t", "mode": "snapshot"})
        conn.execute("update api.grants set status = 'approved', allow_personal = %s where grant_id = %s",
                     (personal, grant_id))
    return grant_id


def test_a_department_user_reads_on_the_terms_of_their_own_share_in_force(web):
    name = person(web.url, Role.DEPARTMENT_USER, f"t_share_{uuid.uuid4().hex[:6]}")
    browser = web.login(Role.DEPARTMENT_USER, name)
    fields = ["record_id", "child_id_no", "child_name", "division_code"]
    grant_id = _share(web, name, fields, [{"field": "division_code", "op": "=", "value": "420102"}], personal=True)
    page = browser.get("/platform/query/", params={"table": LOOKUP})
    assert page.status_code == 200 and f"按共享申请" in page.text and f"/platform/sharing/{grant_id}" in page.text
    assert CHILD_ID in page.text and "欧阳小明" in page.text, "the share allows personal data: whole"
    assert "JZ2" not in page.text and "B000000001" not in page.text, "only the share's rows and fields"
    assert "vaccine_name" not in page.text
    exported = browser.get("/platform/query/export.csv", params={"table": LOOKUP})
    assert exported.status_code == 403, "exporting stays the data.export holders'"
    assert web.audit("select detail->>'share' from control.audit_trail where actor = %s and action = 'data_view'"
                     " order by seq desc limit 1", (name,)) == [(str(grant_id),)]


def test_a_share_without_personal_data_keeps_masks_and_an_ended_share_counts_for_nothing(web):
    name = person(web.url, Role.DEPARTMENT_USER, f"t_share_{uuid.uuid4().hex[:6]}")
    browser = web.login(Role.DEPARTMENT_USER, name)
    _share(web, name, ["record_id", "child_id_no"], [], personal=False, days=-1)
    ended = browser.get("/platform/query/", params={"table": LOOKUP})
    assert "仅显示无条件共享的信息项" in ended.text and "vaccine_name" in ended.text
    _share(web, name, ["record_id", "child_id_no"], [], personal=False)
    masked = browser.get("/platform/query/", params={"table": LOOKUP})
    assert "110101********0016" in masked.text and CHILD_ID not in masked.text
    assert "JZ2" in masked.text and "vaccine_name" not in masked.text


def test_a_role_that_reads_the_libraries_whole_sees_them_whole_and_the_resource_library_listed(web):
    browser = web.login(Role.DATA_STEWARD)
    assert CHILD_ID in browser.get("/platform/query/", params={"table": LOOKUP}).text
    assert "resource.vaccination" in browser.get("/platform/query/").text
    assert "resource.vaccination" not in web.login(Role.DEPARTMENT_USER).get("/platform/query/").text
    unbuilt = browser.get("/platform/query/", params={"table": "resource.vaccination"})
    assert unbuilt.status_code == 404 and "has not been built yet" in unbuilt.text


@pytest.mark.parametrize(("params", "message"), [
    ({"table": "share.no_such_table"}, "no table"),
    ({"table": "control.people"}, "no table"),
    ({"table": ENTERPRISES, "field": "password_hash", "op": "=", "value": "x"}, "no field"),
    ({"table": ENTERPRISES, "field": "name", "op": "like", "value": "x"}, "operator"),
    ({"table": ENTERPRISES, "page": "two"}, "not a page number"),
    ({"table": ENTERPRISES, "page": "0"}, "not a page number"),
    ({"table": ENTERPRISES, "order": "name; drop table share.enterprise_basic"}, "no field"),
    ({"table": ENTERPRISES, "field": "established_on", "op": "=", "value": "2020-01-01' or '1'='1"}, "not a date"),
    ({"table": ENTERPRISES, "field": "name", "op": "contains", "value": "药\x00房"}, "NUL"),
    ({"table": ENTERPRISES, "field": "name", "op": "=", "value": "药" * 201}, "longer than"),
])
def test_bad_input_is_refused_with_a_message(web, params, message):
    answer = web.login(Role.DATA_STEWARD).get("/platform/query/", params=params)
    assert answer.status_code == 400, answer.text
    assert message in answer.text


def test_sql_in_a_text_value_is_only_text_to_look_for(web):
    answer = web.login(Role.DATA_STEWARD).get("/platform/query/", params={
        "table": ENTERPRISES, "field": "name", "op": "=", "value": "x' or '1'='1"})
    assert answer.status_code == 200 and "共 0 行" in answer.text
    assert web.audit("select count(*) from share.enterprise_basic") == [(30,)]


def test_roles_without_the_permission_are_refused_and_have_no_menu_entry(web):
    operator = web.login(Role.OPERATOR)
    for path in ("/platform/query/", f"/platform/query/?table={ENTERPRISES}", "/platform/query/metrics",
                 f"/platform/query/export.csv?table={ENTERPRISES}"):
        assert operator.get(path).status_code == 403, path
    assert 'href="/platform/query/"' not in operator.get("/platform/").text
    viewer = web.login(Role.VIEWER)
    assert 'href="/platform/query/"' in viewer.get("/platform/").text
    assert viewer.get(f"/platform/query/?table={ENTERPRISES}").status_code == 403
    assert viewer.get("/platform/query/metrics").status_code == 200
    department = web.login(Role.DEPARTMENT_USER)
    assert department.get("/platform/query/?table=resource.vaccination").status_code == 403
    assert department.get(f"/platform/query/export.csv?table={ENTERPRISES}").status_code == 403
    refused = web.audit("select actor, target from control.audit_trail where outcome = 'denied'"
                        " and target = 'query resource.vaccination'")
    assert (person(web.url, Role.DEPARTMENT_USER), "query resource.vaccination") in refused


def test_the_query_exports_as_csv_and_xlsx_with_every_matching_row_audited(web):
    browser = web.login(Role.DATA_STEWARD)
    query = [("table", ENTERPRISES), ("field", "division_code"), ("op", "="), ("value", "420102"), ("page", "1")]
    answer = browser.get("/platform/query/export.csv", params=query)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert lines[0][:2] == ["统一社会信用代码 uscc", "企业名称 name"] and len(lines) == 16
    assert {line[4] for line in lines[1:]} == {"420102"}
    book = openpyxl.load_workbook(io.BytesIO(browser.get("/platform/query/export.xlsx", params=query).content))
    sheet = book.active
    assert sheet.max_row == 16 and sheet.cell(2, 5).value == "420102"
    assert sorted(sheet.cell(r, 2).value for r in range(2, 17)) == sorted(f"武汉第{n}药房" for n in range(2, 31, 2))
    exports = web.audit("select actor, detail->>'format', detail->>'rows' from control.audit_trail"
                        " where action = 'data_export' and outcome = 'success' and target = %s order by seq",
                        (f"query {ENTERPRISES}",))
    assert exports[-2:] == [(person(web.url, Role.DATA_STEWARD), "csv", "15"),
                            (person(web.url, Role.DATA_STEWARD), "xlsx", "15")]


def test_an_export_over_the_cap_is_refused_saying_how_many_rows_match(web, monkeypatch):
    monkeypatch.setattr(query_pages, "EXPORT_CAP", 10)
    answer = web.login(Role.DATA_STEWARD).get("/platform/query/export.csv", params={"table": ENTERPRISES})
    assert answer.status_code == 400 and "30 rows" in answer.text and "add filters" in answer.text


def test_the_metric_page_shows_values_and_a_chart_audited(web):
    browser = web.login(Role.VIEWER)
    page = browser.get("/platform/query/metrics", params={"metric": "sampling_batches_month", "start": "2026-08",
                                                          "end": "2026-10"})
    assert page.status_code == 200, page.text
    assert all(value in page.text for value in (">120<", ">135<", ">98<"))
    assert "<svg" in page.text and "<?xml" not in page.text
    sliced = browser.get("/platform/query/metrics", params={"metric": "inspections_month", "start": "2026-10",
                                                            "by": "division"})
    assert ">41<" in sliced.text and ">420500<" in sliced.text and "<svg" in sliced.text
    assert _views(web, "metric inspections_month")[-1]["by"] == "division"


def test_without_the_chinese_font_the_metric_page_shows_the_values_and_says_why_there_is_no_chart(web, monkeypatch):
    monkeypatch.setattr(fonts, "REGULAR", fonts.NOTO / "not-installed.ttc")
    fonts.register.cache_clear()
    try:
        page = web.login(Role.VIEWER).get("/platform/query/metrics", params={"metric": "sampling_batches_month",
                                                                             "start": "2026-08", "end": "2026-10"})
    finally:
        fonts.register.cache_clear()
    assert page.status_code == 200, page.text
    assert all(value in page.text for value in (">120<", ">135<", ">98<"))
    assert "<svg" not in page.text and "install Debian&#39;s fonts-noto-cjk" in page.text


@pytest.mark.parametrize(("params", "message"), [
    ({"metric": "no_such_metric", "start": "2026-10"}, "no metric"),
    ({"metric": "sampling_batches_month", "start": "October"}, "is not YYYY-MM"),
    ({"metric": "sampling_batches_month", "start": "2026-10", "by": "vaccine"}, "is counted by"),
])
def test_bad_metric_input_is_refused_with_a_message(web, params, message):
    answer = web.login(Role.VIEWER).get("/platform/query/metrics", params=params)
    assert answer.status_code == 400 and message in answer.text


def test_in_a_browser_masked_fields_and_the_metric_chart_show_without_console_errors(web):
    with chromium() as browser:
        # Logging in lands on the page asked for: a department user may not open the Dagster UI at "/".
        browser.page.goto(f"{web.base}/platform/login?" + urlencode({"next": f"/platform/query/?table={LOOKUP}"}))
        browser.page.fill("#username", person(web.url, Role.DEPARTMENT_USER))
        browser.page.fill("#password", PASSWORD)
        browser.page.click("button[type=submit]")
        assert browser.page.url.endswith(f"/platform/query/?table={LOOKUP}")
        assert "110101********0016" in browser.page.content()
        browser.screenshot("query")
        browser.page.goto(f"{web.base}/platform/query/metrics?metric=sampling_batches_month&start=2026-08&end=2026-10")
        assert browser.page.locator(".chart svg").count() == 1
        browser.screenshot("metrics")
        assert browser.errors == []
