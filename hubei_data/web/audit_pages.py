"""`/platform/audit/` (审计): the audit administrator searches the trail, sees whether its hash chain holds, and exports
what was found to XLSX, as `hubei-data audit search|verify|export` do; the search and the export are audited too."""

import datetime as dt
import tempfile
from pathlib import Path
from urllib.parse import quote, urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hubei_data import roles
from hubei_data.control import audit_search, audit_trail
from hubei_data.control.audit_chain import Action, Outcome
from hubei_data.beijing_time import LOCAL
from hubei_data.control.audit_search import Filters
from hubei_data.control.permissions import Permission
from hubei_data.web import portal
from hubei_data.web.refusal import Refusal
from hubei_data.web.session import require, source

PATH = "/platform/audit/"
SHOWN = 200
FIELDS = ("since", "until", "actor", "action", "outcome", "target")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _asked(request: Request) -> dict[str, str]:
    return {name: request.query_params.get(name, "").strip() for name in FIELDS}


def _asked_detail(asked: dict[str, str]) -> dict[str, str]:
    """The filters given, as the audit row of a search or export records them."""
    return {("target_contains" if name == "target" else name): value for name, value in asked.items() if value}


def _filters(asked: dict[str, str]) -> Filters:
    """The search as `hubei-data audit` takes it: whole days in Beijing time, the last included; a 400 for a
    date, action or outcome that is not one."""
    since, until = _day(asked["since"], "since"), _day(asked["until"], "until")
    if since and until and since > until:
        raise Refusal(400, f"the range runs backwards: {asked['since']} is after {asked['until']}")
    for name, allowed in (("action", [a.value for a in Action]), ("outcome", [o.value for o in Outcome])):
        if asked[name] and asked[name] not in allowed:
            raise Refusal(400, f"unknown {name} {asked[name]!r}: choose one of {', '.join(allowed)}")
    return Filters(since, until + dt.timedelta(days=1) if until else None, asked["actor"] or None,
                   asked["action"] or None, asked["outcome"] or None, asked["target"] or None)


def _day(text: str, name: str) -> dt.datetime | None:
    if not text:
        return None
    try:
        return dt.datetime.combine(dt.date.fromisoformat(text), dt.time(), LOCAL)
    except ValueError:
        raise Refusal(400, f"{name} {text!r} is not a date: write it as 2026-12-04") from None


def _search(conn, filters: Filters, verify: bool):
    """The newest matches; with `verify`, the whole chain walked too (rows, problems), which takes a while on a
    long trail, so it is asked for."""
    checked = audit_trail.check(conn) if verify else None
    return audit_search.search(conn, filters, SHOWN), checked, roles.audit_trail_sealed(conn)


async def search(request: Request) -> Response:
    person = await require(request, Permission.AUDIT_READ, PATH)
    asked = _asked(request)
    filters = _filters(asked)
    verify = request.query_params.get("verify") == "yes"
    events, checked, sealed = await request.app.state.database.run(_search, filters, verify)
    await portal.audit_view(request, person, "audit trail", **_asked_detail(asked), shown=len(events),
                            verified=verify)
    return portal.show(request, person, "audit.html", "审计 Audit trail", events=events, asked=asked, shown=SHOWN,
                       checked=checked, sealed=sealed, actions=[a.value for a in Action],
                       outcomes=[o.value for o in Outcome], query=urlencode({k: v for k, v in asked.items() if v}))


async def export(request: Request) -> Response:
    person = await require(request, Permission.AUDIT_EXPORT, f"{PATH}export")
    asked = _asked(request)
    filters = _filters(asked)
    name = f"audit-{dt.datetime.now(LOCAL):%Y%m%d-%H%M%S}.xlsx"

    def write(conn) -> tuple[bytes, int, int]:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / name
            events, calls = audit_search.export(conn, filters, path)
            return path.read_bytes(), events, calls

    database = request.app.state.database
    content, events, calls = await database.run(write)
    await database.run(audit_trail.append, person.username, source(request), Action.DATA_EXPORT, "audit trail",
                       Outcome.SUCCESS, {"file": name, "events": events, "api_calls": calls,
                                         **_asked_detail(asked)})
    return Response(content, media_type=XLSX, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}", "Cache-Control": "no-store"})


ROUTES = [
    Route(PATH, search, methods=["GET"]),
    Route(f"{PATH}export", export, methods=["GET"]),
]
