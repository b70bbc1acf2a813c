"""`/platform/manage/tickets/` (整改工单): the rectification tickets, each with its steps, moved on or resolved with
`tickets.move`, as `hubei-data quality move` does."""

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from hubei_data.beijing_time import when
from hubei_data.contracts import SOURCES
from hubei_data.control.audit_trail import Actor
from hubei_data.control.permissions import Permission
from hubei_data.quality import tickets
from hubei_data.web import portal
from hubei_data.web.csrf import checked_form
from hubei_data.web.refusal import Refusal
from hubei_data.web.session import require, source

PATH = "/platform/manage/tickets/"
ORIGINS = {"rule": "规则 Rule", "check": "检查 Check", "report": "反馈 Report"}


def _choice(request: Request, name: str, allowed) -> str | None:
    value = request.query_params.get(name) or None
    if value is not None and value not in allowed:
        raise Refusal(400, f"unknown {name} {value!r}: choose one of {', '.join(allowed)}")
    return value


async def listing(request: Request) -> Response:
    person = await require(request, Permission.QUALITY_ISSUE_VIEW, PATH)
    stage, chosen = _choice(request, "stage", tickets.STAGES), _choice(request, "source", SOURCES)
    held = await request.app.state.database.run(tickets.listed, stage, chosen)
    await portal.audit_view(request, person, "quality tickets", stage=stage or "", source=chosen or "",
                            rows=len(held))
    return portal.show(request, person, "tickets.html", "整改工单 Quality tickets", tickets=held, stage=stage,
                       chosen=chosen, stages=tickets.STAGE_NAMES, sources=list(SOURCES), origins=ORIGINS,
                       when=when, tab="tickets")


async def ticket_page(request: Request) -> Response:
    ticket_id = request.path_params["ticket_id"]
    person = await require(request, Permission.QUALITY_ISSUE_VIEW, f"quality ticket {ticket_id}")

    def read(conn):
        return tickets.one(conn, ticket_id), tickets.steps(conn, ticket_id)

    try:
        ticket, taken = await request.app.state.database.run(read)
    except tickets.TicketError as error:
        raise Refusal(404, str(error)) from None
    await portal.audit_view(request, person, f"quality ticket {ticket_id}")
    return portal.show(request, person, "ticket.html", f"整改工单 Ticket {ticket_id}", ticket=ticket, steps=taken,
                       stages=tickets.STAGE_NAMES, moves=tickets.MOVES[ticket.stage], reasons=tickets.REASONS,
                       origins=ORIGINS, when=when, tab="tickets")


async def move(request: Request) -> Response:
    ticket_id = request.path_params["ticket_id"]
    person = await require(request, Permission.QUALITY_ISSUE_HANDLE, f"quality ticket {ticket_id}")
    fields = await checked_form(request)
    stage = fields.get("stage", "")
    reason = (fields.get("reason") or None) if stage == "resolved" else None
    comment = fields.get("comment", "").strip() or None
    actor = Actor(person.username, source(request))
    try:
        await request.app.state.database.run(tickets.move, actor, ticket_id, stage, reason, comment)
    except tickets.TicketError as error:
        raise Refusal(400, str(error)) from None
    return RedirectResponse(f"{PATH}{ticket_id}", status_code=303)


ROUTES = [
    Route(PATH, listing, methods=["GET"]),
    Route(f"{PATH}{{ticket_id:int}}", ticket_page, methods=["GET"]),
    Route(f"{PATH}{{ticket_id:int}}/move", move, methods=["POST"]),
]
