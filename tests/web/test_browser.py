"""A person logs in and out through the real pages in headless Chromium."""

import uuid

import psycopg

from hubei_data.control import people
from tests.people import person
from tests.web.browsers import chromium


def test_logging_in_and_out_through_the_pages(web):
    name = person(web.url, "viewer")
    with chromium() as browser:
        page = browser.page
        assert page.goto(web.base + "/platform/").status == 401
        browser.screenshot("login")
        browser.errors.clear()
        page.fill("#username", name)
        page.fill("#password", "Test-passw0rd")
        page.click("button[type=submit]")
        assert page.url == web.base + "/platform/"
        assert name in page.locator("h1").inner_text()
        assert "查看人员 Viewer" in page.content()
        assert page.locator("nav a", has_text="资源目录").count() == 1
        assert page.locator("nav a", has_text="监控").count() == 0, "a viewer's menu has no monitoring"
        browser.screenshot("home")
        page.click("text=退出 Log out")
        assert page.url == web.base + "/platform/login"
        assert browser.errors == []
        assert page.goto(web.base + "/platform/").status == 401


def test_a_one_time_password_is_changed_in_the_browser_before_anything_else(web):
    username = f"t_first_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(web.url, autocommit=True) as conn:
        first = people.add(conn, "tests", "tests", username, ["viewer"])
    with chromium() as browser:
        browser.log_in(web.base, username, first)
        page = browser.page
        assert page.url == web.base + "/platform/password"
        assert "首次登录或密码已过期" in page.content()
        page.fill("#current", first)
        page.fill("#new", "short")
        page.fill("#confirm", "short")
        page.click("button[type=submit]")
        assert "shorter than" in page.locator(".error").inner_text()
        browser.screenshot("password-change")
        page.fill("#current", first)
        page.fill("#new", "Brand-new-0ne")
        page.fill("#confirm", "Brand-new-0ne")
        page.click("button[type=submit]")
        assert page.url == web.base + "/platform/"
        assert username in page.locator("h1").inner_text()
        assert [error for error in browser.errors if "400" not in error] == [], "only the refused password failed"


def test_five_wrong_passwords_lock_the_account_in_the_browser(web):
    name = person(web.url, "viewer", f"t_lock_{uuid.uuid4().hex[:8]}")
    with chromium() as browser:
        for _ in range(5):
            browser.log_in(web.base, name, "Wrong-passw0rd")
        browser.log_in(web.base, name)
        assert "the account is locked until" in browser.page.locator(".error").inner_text()
        browser.screenshot("lockout")
    with psycopg.connect(web.url) as conn:
        assert conn.execute("select count(*) from control.audit_trail where action = 'lockout' and actor = %s",
                            (name,)).fetchone()[0] == 1


def test_an_operator_reads_the_health_page(web):
    name = person(web.url, "operator")
    with chromium() as browser:
        browser.log_in(web.base, name)
        browser.page.click("nav >> text=监控")
        assert browser.page.url == web.base + "/platform/status"
        assert "未解除的告警" in browser.page.content()
        browser.screenshot("status")
        assert browser.errors == []
