"""`/platform/status`: the health page (运行状态) — open alerts and the latest reading of every probe."""

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hubei_data.control.permissions import Permission
from hubei_data.ops.alerting import alert_list
from hubei_data.ops.readings import latest
from hubei_data.web import portal
from hubei_data.web.session import require

PATH = "/platform/status"
SEVERITY = {"critical": "告警", "warning": "预警", "reminder": "提醒"}


def _health(conn) -> tuple[list[dict], list[dict]]:
    return alert_list(conn, False), latest(conn)


async def status(request: Request) -> Response:
    person = await require(request, Permission.MONITORING_VIEW, PATH)
    alerts, readings = await request.app.state.database.run(_health)
    return portal.show(request, person, "status.html", "运行状态 Status", alerts=alerts, readings=readings,
                       severity=SEVERITY)


ROUTES = [Route(PATH, status, methods=["GET"])]
