"""Browsers for the web process: clients that keep cookies, say where their forms come from, and log in."""

from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg

from hubei_data.web.csrf import FIELD, token_for
from hubei_data.web.session import COOKIE
from tests import people


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
