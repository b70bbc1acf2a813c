"""Browsers for the web process: clients that keep cookies, say where their forms come from, and log in."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg
from playwright import sync_api

from hubei_data.web.csrf import FIELD, token_for
from hubei_data.web.session import COOKIE
from tests import people
from tests.debian import program


@dataclass
class Web:
    """The running app: its address, its warehouse, and where it looks for Dagster and the catalog."""

    base: str
    url: str
    catalog_page: Path

    def browser(self) -> httpx.Client:
        """A client that keeps cookies and says, as a browser does, which site a form comes from."""
        return httpx.Client(base_url=self.base, headers={"Origin": self.base, "Accept": "text/html"}, timeout=30)

    def login(self, role: str, username: str | None = None, password: str = people.PASSWORD) -> httpx.Client:
        """A browser logged in as the test account holding `role` (or as `username`)."""
        browser = self.browser()
        name = username or people.person(self.url, role)
        answer = browser.post("/platform/login", data={"username": name, "password": password})
        assert answer.status_code == 303, answer.text
        return browser

    @staticmethod
    def submit(browser: httpx.Client, path: str, data: dict | None = None) -> httpx.Response:
        """Post a form as the session's own page does, with the form token the page carries."""
        return browser.post(path, data={**(data or {}), FIELD: token_for(browser.cookies[COOKIE])})

    def audit(self, query: str, params=()) -> list[tuple]:
        with psycopg.connect(self.url) as conn:
            return conn.execute(query, params).fetchall()


SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "portal"
OFFICE_SCREEN = {"width": 1366, "height": 768}


@contextmanager
def chromium() -> Iterator["Chromium"]:
    """Headless Chromium from Debian's package at an office screen's size, collecting what its console reports
    as an error (a script failing, a resource refused by the Content-Security-Policy)."""
    executable = program("chromium", "chromium")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport=OFFICE_SCREEN, locale="zh-CN", timezone_id="Asia/Shanghai")
            opened = Chromium(page, [])
            page.on("console", lambda message: opened.errors.append(message.text) if message.type == "error" else None)
            page.on("pageerror", lambda error: opened.errors.append(str(error)))
            yield opened
        finally:
            browser.close()


@dataclass
class Chromium:
    """A page in the browser and the console errors it has reported so far."""

    page: sync_api.Page
    errors: list[str]

    def log_in(self, base: str, username: str, password: str = people.PASSWORD) -> None:
        self.page.goto(base + "/platform/login")
        self.page.fill("#username", username)
        self.page.fill("#password", password)
        self.page.click("button[type=submit]")

    def screenshot(self, name: str) -> Path:
        """The whole page as docs/portal/<name>.png, for the README and the user guide."""
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=path, full_page=True)
        return path
