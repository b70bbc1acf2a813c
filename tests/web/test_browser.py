"""A person logs in and out through the real pages in headless Chromium."""

import shutil

import pytest

from tests.people import PASSWORD, person

sync_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")


def test_logging_in_and_out_through_the_pages(web):
    name = person(web.url, "viewer")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()
        first = page.goto(web.base + "/platform/")
        assert first.status == 401
        page.fill("#username", name)
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        assert page.url == web.base + "/platform/"
        assert page.locator("h1").inner_text().startswith(name)
        assert "查看人员 Viewer" in page.content()
        page.click("text=退出登录 Log out")
        assert page.url == web.base + "/platform/login"
        assert page.goto(web.base + "/platform/").status == 401
        browser.close()
