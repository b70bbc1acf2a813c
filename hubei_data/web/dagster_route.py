"""Everything else is the Dagster UI's: read-only requests forwarded for those who may read it."""

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hubei_data.control.permissions import Permission
from hubei_data.web.refusal import Refusal
from hubei_data.web.session import require
from hubei_data.web.upstream import raw_target, streamed

_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


async def dagster(request: Request) -> Response:
    await require(request, Permission.RUN_VIEW, f"dagster {request.url.path}")
    # Outside /graphql the webserver's only writes are hand-made asset reports, which runs alone may make.
    if request.method not in ("GET", "HEAD"):
        raise Refusal(405, "outside /graphql the Dagster UI is only read (GET)")
    return streamed(await request.app.state.upstream.send(request, request.method, raw_target(request)))


async def not_ours(request: Request) -> Response:
    raise Refusal(404, f"no page {request.url.path}")


ROUTES = [
    Route("/platform/{rest:path}", not_ours, methods=_METHODS),
    Route("/{path:path}", dagster, methods=_METHODS),
]
