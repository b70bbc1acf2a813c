"""Who is asking: the session cookie, checked against the control tables on every request."""

from starlette.requests import HTTPConnection
from starlette.responses import Response

from hubei_data.control import sessions
from hubei_data.control.permissions import Permission
from hubei_data.web.refusal import Refusal

COOKIE = "hd_session"
NOT_LOGGED_IN = "not logged in"
CHANGE_FIRST = "change your one-time password first"


class MustChangePassword(Refusal):
    """A valid session that may do nothing but change its password."""

    def __init__(self, username: str):
        super().__init__(403, CHANGE_FIRST)
        self.username = username


def source(connection: HTTPConnection) -> str:
    """Where a request came from, as the audit trail records it."""
    return f"web@{connection.client.host if connection.client else 'unknown'}"


def token(connection: HTTPConnection) -> str | None:
    return connection.cookies.get(COOKIE) or None


async def identity(connection: HTTPConnection) -> sessions.Identity:
    """The person whose session the cookie carries; `Refusal` 401 (after its audit row) for no, a forged or
    an ended session."""
    held = token(connection)
    if held is None:
        raise Refusal(401, NOT_LOGGED_IN)
    try:
        return await connection.app.state.database.run(sessions.authenticate, held, source(connection))
    except sessions.Refused as refused:
        raise Refusal(401, str(refused)) from None


async def require(connection: HTTPConnection, permission: Permission, target: str) -> sessions.Identity:
    """The person, when they may perform the operation; a 401 or 403 `Refusal`, the denial audited, otherwise."""
    person = await identity(connection)
    try:
        await connection.app.state.database.run(sessions.authorize, person, permission, target, source(connection))
    except sessions.Denied as denied:
        if person.must_change_password:
            raise MustChangePassword(person.username) from None
        raise Refusal(403, str(denied)) from None
    return person


def set_cookie(response: Response, connection: HTTPConnection, value: str) -> None:
    """A browser-session cookie that scripts cannot read and other sites cannot make the browser send."""
    response.set_cookie(COOKIE, value, path="/", httponly=True, samesite="strict",
                        secure=connection.url.scheme == "https")


def clear_cookie(response: Response, connection: HTTPConnection) -> None:
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict",
                           secure=connection.url.scheme == "https")
