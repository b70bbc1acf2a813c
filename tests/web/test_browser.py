"""A person logs in and out through the real pages in headless Chromium."""

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
