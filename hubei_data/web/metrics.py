"""`/metrics`: the watcher's readings for Prometheus, to a person who may see monitoring.

A scraper sends a service token as `Authorization: Bearer hd_…`; a browser's session works too.
"""

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hubei_data.control import sessions
from hubei_data.control.permissions import Permission
from hubei_data.ops.exposition import CONTENT_TYPE, exposition
from hubei_data.web.refusal import Refusal
from hubei_data.web.session import require, source

TARGET = "/metrics"


async def metrics(request: Request) -> Response:
    header = request.headers.get("authorization")
    if header is not None:
        await request.app.state.database.run(_authorized, header, source(request))
    else:
        await require(request, Permission.MONITORING_VIEW, TARGET)
    return Response(await request.app.state.database.run(exposition), media_type=CONTENT_TYPE,
                    headers={"Cache-Control": "no-store"})


def _authorized(conn, header: str, where: str) -> None:
    try:
        sessions.authorize_bearer(conn, header, Permission.MONITORING_VIEW, TARGET, where)
    except sessions.Refused as refused:
        raise Refusal(refused.status, str(refused)) from None


ROUTES = [Route(TARGET, metrics, methods=["GET"])]
