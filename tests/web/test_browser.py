"""A person logs in and out through the real pages in headless Chromium."""

from playwright import sync_api

from tests.debian import program
from tests.people import PASSWORD, person


def test_logging_in_and_out_through_the_pages(web):
    name = person(web.url, "viewer")
    chromium = program("chromium", "chromium")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page()
        first = page.goto(web.base + "/platform/")
        assert first.status == 401
        page.fill("#username", name)
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        assert page.url == web.base + "/platform/"
        assert name in page.locator("h1").inner_text()
        assert "查看人员 Viewer" in page.content()
        page.click("text=退出 Log out")
        assert page.url == web.base + "/platform/login"
        assert page.goto(web.base + "/platform/").status == 401
        browser.close()
