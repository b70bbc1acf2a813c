"""Forms that only this site's pages can send: the Origin check plus a token only the session's pages carry.

The token is derived from the session's own secret (an HttpOnly cookie no script or other site can read),
so it needs no storage, ends with the session, and differs per person.
"""

import hashlib
import hmac

from starlette.requests import Request

from hubei_data.web.forms import form
from hubei_data.web.origin import check_same_site
from hubei_data.web.refusal import Refusal
from hubei_data.web.session import token

FIELD = "csrf"
_LABEL = b"hubei_data web form"


def token_for(session_token: str) -> str:
    return hmac.new(_LABEL, session_token.encode(), hashlib.sha256).hexdigest()


def page_token(request: Request) -> str:
    """The token the session's pages put in each form; empty without a session."""
    held = token(request)
    return token_for(held) if held else ""


async def checked_form(request: Request, lists: tuple[str, ...] = ()) -> dict[str, str | list[str]]:
    """The fields of a form posted by one of this session's pages (every value of those named in `lists`); a 403
    for anything else."""
    check_same_site(request, required=True)
    fields = await form(request, lists)
    expected = page_token(request)
    if not expected or not hmac.compare_digest(fields.pop(FIELD, ""), expected):
        raise Refusal(403, "refused: the form did not come from this session's page; reload the page and try again")
    return fields
