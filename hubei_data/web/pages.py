"""The platform's own pages, and refusals answered as a page for a browser or as JSON for a program."""

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from hubei_data.web.csrf import page_token
from hubei_data.web.refusal import Refusal
from hubei_data.web.session import NOT_LOGGED_IN, MustChangePassword

_TEMPLATES = Environment(loader=PackageLoader("hubei_data.web"), autoescape=select_autoescape(default=True))
# Our pages load nothing from anywhere: inline styles, no scripts, forms posting only to this site.
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'",
    "Cache-Control": "no-store",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
}
_HEADINGS = {
    400: ("请求无法处理", "Bad request"),
    403: ("没有权限", "Forbidden"),
    404: ("页面不存在", "Not found"),
    405: ("不支持的操作", "Method not allowed"),
    413: ("请求过大", "Request too large"),
    500: ("平台出错", "Server error"),
    502: ("Dagster 无响应", "Bad gateway"),
    503: ("暂时无法访问", "Unavailable"),
    504: ("Dagster 响应超时", "Gateway timeout"),
}


def page(template: str, status: int = 200, **context) -> HTMLResponse:
    return HTMLResponse(_TEMPLATES.get_template(template).render(**context), status_code=status, headers=HEADERS)


def login_page(status: int = 200, message: str = "", next_path: str = "/platform/", username: str = "") -> HTMLResponse:
    return page("login.html", status, title="登录 Log in", message=message, next=next_path, username=username)


def notice(status: int, message: str, detail: str = "", command: str = "") -> HTMLResponse:
    heading, english = _HEADINGS.get(status, ("请求被拒绝", "Refused"))
    return page("notice.html", status, title=heading, heading=heading, english=english, message=message,
                detail=detail, command=command)


def wants_json(request: Request) -> bool:
    """GraphQL is always answered in JSON; anything else when its Accept header ranks JSON above HTML."""
    return request.url.path == "/graphql" or _quality(request, "application/json") > _quality(request, "text/html")


def refused(request: Request, refusal: Refusal) -> Response:
    """The refusal as the asker can read it; a 401 in a browser is the login page, to come back to where it was."""
    if wants_json(request):
        body = {"error": refusal.message}
        if request.url.path == "/graphql":
            body["errors"] = [{"message": refusal.message}]
        return JSONResponse(body, status_code=refusal.status, headers={"Cache-Control": "no-store"})
    if refusal.status == 401:
        # A first visit is no error; an ended or refused session is, and the page says which.
        return login_page(401, "" if refusal.message == NOT_LOGGED_IN else refusal.message, _here(request))
    if isinstance(refusal, MustChangePassword):
        return page("password.html", 403, title="修改密码 Change password", username=refusal.username, first=True,
                    message=refusal.message, csrf=page_token(request))
    return notice(refusal.status, refusal.message)


def _here(request: Request) -> str:
    if request.method not in ("GET", "HEAD"):
        return "/"
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


def _quality(request: Request, media: str) -> float:
    """The highest q the Accept header gives this media type or its family (`*/*` counts for neither)."""
    family = media.split("/")[0] + "/*"
    best = 0.0
    for part in request.headers.get("accept", "").split(","):
        name, *params = part.split(";")
        if name.strip().lower() in (media, family):
            best = max(best, _q(params))
    return best


def _q(params: list[str]) -> float:
    for param in params:
        key, _, value = param.partition("=")
        if key.strip().lower() == "q":
            try:
                return min(max(float(value), 0.0), 1.0)
            except ValueError:
                return 0.0
    return 1.0
