"""Logging in, out and changing the password through the web process's own pages."""

import uuid

import httpx
import psycopg
import pytest

from hubei_data.control import people
from hubei_data.web.session import COOKIE
from tests.people import PASSWORD, person

FORGED = "hd_" + "A" * 43


def _one_time_account(web) -> tuple[str, str]:
    username = f"t_new_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(web.url, autocommit=True) as conn:
        return username, people.add(conn, "tests", "tests", username, ["viewer"])


@pytest.mark.parametrize("path", ["/", "/graphql", "/platform/catalog/", "/runs/", "/server_info", "/platform/"])
@pytest.mark.parametrize("cookie", [None, FORGED, "not even a token"])
def test_without_a_live_session_every_page_answers_401_with_the_login(web, path, cookie):
    browser = web.browser()
    if cookie:
        browser.cookies.set(COOKIE, cookie)
    answer = browser.get(path)
    assert answer.status_code == 401
    assert "location" not in answer.headers
    if path == "/graphql":
        assert answer.json()["error"]
    else:
        assert 'action="/platform/login"' in answer.text
    if cookie:
        assert f'{COOKIE}=""' in answer.headers["set-cookie"], "a refused cookie is dropped"


def test_a_program_asking_for_json_is_refused_in_json(web):
    answer = httpx.get(web.base + "/runs/", headers={"Accept": "application/json"})
    assert answer.status_code == 401
    assert answer.json() == {"error": "not logged in"}


def test_a_forged_token_is_recorded_as_refused(web):
    before = web.audit("select count(*) from control.audit_trail where action = 'session_refused'")[0][0]
    browser = web.browser()
    browser.cookies.set(COOKIE, FORGED)
    assert browser.get("/").status_code == 401
    after = web.audit("select count(*) from control.audit_trail where action = 'session_refused'")[0][0]
    assert after == before + 1


def test_logging_in_sets_a_strict_http_only_cookie_and_goes_where_it_was_going(web):
    browser = web.browser()
    name = person(web.url, "viewer")
    answer = browser.post("/platform/login", data={"username": name, "password": PASSWORD, "next": "/runs/"})
    assert answer.status_code == 303
    assert answer.headers["location"] == "/runs/"
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie
    home = browser.get("/platform/")
    assert home.status_code == 200 and name in home.text


def test_the_cookie_is_secure_when_the_request_came_over_https(web):
    name = person(web.url, "viewer")
    answer = web.browser().post("/platform/login", data={"username": name, "password": PASSWORD},
                                headers={"X-Forwarded-Proto": "https"})
    assert "Secure" in answer.headers["set-cookie"]


@pytest.mark.parametrize("next_path", ["//evil.example/", "https://evil.example/", "/\\evil.example"])
def test_logging_in_never_sends_the_browser_to_another_site(web, next_path):
    name = person(web.url, "viewer")
    answer = web.browser().post("/platform/login", data={"username": name, "password": PASSWORD, "next": next_path})
    assert answer.headers["location"] == "/platform/"


def test_a_wrong_password_is_a_401_that_says_so(web):
    name = person(web.url, "viewer", username=f"t_wrong_{uuid.uuid4().hex[:6]}")
    answer = web.browser().post("/platform/login", data={"username": name, "password": "Wrong-passw0rd"})
    assert answer.status_code == 401
    assert "wrong user name or password" in answer.text
    assert "set-cookie" not in answer.headers


def test_five_wrong_passwords_lock_the_account(web):
    name = person(web.url, "viewer", username=f"t_lock_{uuid.uuid4().hex[:6]}")
    browser = web.browser()
    for _ in range(5):
        answer = browser.post("/platform/login", data={"username": name, "password": "Wrong-passw0rd"})
        assert answer.status_code == 401
    assert "locked until" in answer.text
    right = browser.post("/platform/login", data={"username": name, "password": PASSWORD})
    assert right.status_code == 401
    assert "the account is locked until" in right.text


def test_a_one_time_password_must_be_changed_before_anything_else(web):
    username, first = _one_time_account(web)
    browser = web.browser()
    answer = browser.post("/platform/login", data={"username": username, "password": first, "next": "/runs/"})
    assert answer.headers["location"] == "/platform/password"
    for path in ("/", "/platform/catalog/", "/platform/"):
        refused = browser.get(path)
        assert refused.status_code == 403
        assert 'action="/platform/password"' in refused.text
    assert browser.post("/graphql", json={"query": "{ version }"}).status_code == 403

    differ = web.submit(browser, "/platform/password", {"current": first, "new": "Brand-new-0ne", "confirm": "Other-0ne!"})
    assert differ.status_code == 400 and "differ" in differ.text
    weak = web.submit(browser, "/platform/password", {"current": first, "new": "short", "confirm": "short"})
    assert weak.status_code == 400 and "shorter than" in weak.text

    changed = web.submit(browser, "/platform/password", {"current": first, "new": "Brand-new-0ne", "confirm": "Brand-new-0ne"})
    assert changed.status_code == 303
    assert browser.get("/platform/").status_code == 200
    assert browser.get("/platform/catalog/").status_code == 404, "the catalog, not yet generated, is reachable now"


def test_logging_out_ends_the_session(web):
    browser = web.login("viewer")
    token = browser.cookies[COOKIE]
    assert browser.post("/platform/logout", data={"csrf": "forged"}).status_code == 403, "a form without the token"
    answer = web.submit(browser, "/platform/logout")
    assert answer.status_code == 303
    assert COOKIE not in browser.cookies
    stale = web.browser()
    stale.cookies.set(COOKIE, token)
    assert stale.get("/platform/").status_code == 401
    assert web.audit("select count(*) from control.sessions where ended_at is not null and token_digest ="
                     " encode(sha256(%s::bytea), 'hex')", (token,))[0][0] == 1


@pytest.mark.parametrize("headers", [{"Origin": "http://evil.example"}, {"Origin": "null"},
                                     {"Referer": "http://evil.example/form"}, {}])
def test_a_form_posted_from_another_site_is_refused(web, headers):
    name = person(web.url, "viewer")
    browser = httpx.Client(base_url=web.base, headers={"Accept": "text/html"})
    login = browser.post("/platform/login", data={"username": name, "password": PASSWORD}, headers=headers)
    assert login.status_code == 403
    assert "set-cookie" not in login.headers

    logged_in = web.login("viewer")
    logged_in.headers.pop("Origin")
    assert logged_in.post("/platform/logout", headers=headers).status_code == 403
    assert logged_in.post("/platform/password", headers=headers,
                          data={"current": PASSWORD, "new": "Brand-new-0ne", "confirm": "Brand-new-0ne"}).status_code == 403
    assert logged_in.get("/platform/").status_code == 200, "the session outlives the refused posts"


def test_a_form_from_this_site_may_say_so_by_its_referer_alone(web):
    name = person(web.url, "viewer")
    answer = httpx.post(web.base + "/platform/login", data={"username": name, "password": PASSWORD},
                        headers={"Referer": web.base + "/platform/login"})
    assert answer.status_code == 303
