"""Logging in and out, changing one's password, and the page saying who one is."""

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from hubei_data.control import people, policy_store, sessions
from hubei_data.control.permissions import Role
from hubei_data.web import pages, portal
from hubei_data.web.csrf import checked_form, page_token
from hubei_data.web.forms import form
from hubei_data.web.origin import check_same_site
from hubei_data.web.session import MustChangePassword, clear_cookie, identity, set_cookie, source, token

HOME = "/platform/"
PASSWORD = "/platform/password"


def safe_next(value: str | None) -> str:
    """Where to go after logging in: a path on this site, never another site's address; the portal's home when
    the login page was opened by itself."""
    if (not value or not value.startswith("/") or value.startswith(("//", "/\\", "/platform/login"))
            or any(ord(char) < 0x20 for char in value)):
        return HOME
    return value


async def login_page(request: Request) -> Response:
    return pages.login_page(next_path=safe_next(request.query_params.get("next")))


async def login(request: Request) -> Response:
    check_same_site(request, required=True)
    fields = await form(request)
    username, next_path = fields.get("username", "").strip(), safe_next(fields.get("next"))
    database = request.app.state.database
    try:
        new_token, person = await database.run(
            sessions.login, username, fields.get("password", ""), source(request), "web")
    except sessions.Refused as refused:
        return pages.login_page(401, str(refused), next_path, username)
    if old := token(request):
        await database.run(sessions.logout, old, source(request))
    response = RedirectResponse(PASSWORD if person.must_change_password else next_path, status_code=303)
    set_cookie(response, request, new_token)
    return response


async def logout(request: Request) -> Response:
    if held := token(request):
        await checked_form(request)
        await request.app.state.database.run(sessions.logout, held, source(request))
    response = RedirectResponse("/platform/login", status_code=303)
    clear_cookie(response, request)
    return response


async def password_page(request: Request) -> Response:
    person = await identity(request)
    return await _password_form(request, person, 200)


async def change_password(request: Request) -> Response:
    person = await identity(request)
    fields = await checked_form(request)
    if fields.get("new", "") != fields.get("confirm", ""):
        return await _password_form(request, person, 400, "the two new passwords differ")
    try:
        await request.app.state.database.run(
            people.change_password, person.username, source(request), fields.get("current", ""), fields.get("new", ""))
    except people.AccountError as error:
        return await _password_form(request, person, 400, str(error))
    return RedirectResponse(HOME, status_code=303)


async def home(request: Request) -> Response:
    person = await identity(request)
    if person.must_change_password:
        raise MustChangePassword(person.username)
    roles = "、".join(f"{Role(role).chinese} {Role(role).english}" for role in person.roles) or "no role"
    return portal.show(request, person, "home.html", "工作台 Home", roles=roles)


async def _password_form(request: Request, person: sessions.Identity, status: int, message: str = "") -> Response:
    policy = await request.app.state.database.run(policy_store.load)
    return pages.page("password.html", status, title="修改密码 Change password", username=person.username,
                      first=person.must_change_password, message=message, policy=policy, csrf=page_token(request))


ROUTES = [
    Route("/platform/login", login_page, methods=["GET"]),
    Route("/platform/login", login, methods=["POST"]),
    Route("/platform/logout", logout, methods=["POST"]),
    Route(PASSWORD, password_page, methods=["GET"]),
    Route(PASSWORD, change_password, methods=["POST"]),
    Route(HOME, home, methods=["GET"]),
]
