"""Problems other departments report on a share dataset or one of its records (数据质量反馈), over signed calls:
each becomes a rectification ticket for the dataset's provider, and its reporter can follow it."""

import asyncio

import psycopg
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from hubei_data.api.admin import Note
from hubei_data.api.errors import Refused, error
from hubei_data.api.json_body import parse, require_json
from hubei_data.api.request_model import Text
from hubei_data.api.spec import DATASETS
from hubei_data.catalog.models import table_name
from hubei_data.control.audit_trail import Actor
from hubei_data.quality import tickets

REPORT = "/v1/feedback"
STATUS = "/v1/feedback/status"
PATHS = (REPORT, STATUS)


class Problem(BaseModel):
    """A problem with a share dataset (by its table name, as GET /v1/apis and the catalog name it), or with one
    record of it when `record_key` names the record's business key."""

    model_config = ConfigDict(extra="forbid")
    dataset: Text
    record_key: Text | None = None
    problem: Note = Field(min_length=1)


class Asked(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ticket_id: int = Field(gt=0, lt=2**63)


def add_routes(app: FastAPI, authenticate, signed_headers: list[dict], signed_responses: dict) -> None:
    """POST /v1/feedback reports a problem; POST /v1/feedback/status answers how the consumer's tickets stand."""

    async def report(request: Request) -> Response:
        try:
            app_key, values = await _signed(request, authenticate, Problem)
        except Refused as refused:
            return error(refused.status, refused.message)
        dataset = DATASETS.get(values["dataset"])
        if dataset is None:
            return error(404, f"no share dataset {values['dataset']!r}: the datasets are {', '.join(DATASETS)}")

        def record() -> tickets.Ticket:
            with psycopg.connect(request.app.state.book.url, autocommit=True) as conn:
                return tickets.report(conn, Actor(_reporter(app_key), "api"), table_name(dataset),
                                      dataset.provider, values["problem"], values["record_key"])

        ticket = await asyncio.to_thread(record)
        return JSONResponse(_shown(ticket), status_code=201)

    async def status(request: Request) -> Response:
        try:
            app_key, values = await _signed(request, authenticate, Asked)
        except Refused as refused:
            return error(refused.status, refused.message)

        def read() -> tickets.Ticket:
            with psycopg.connect(request.app.state.book.url) as conn:
                [ticket] = tickets.reported(conn, _reporter(app_key), values["ticket_id"])
                return ticket

        try:
            ticket = await asyncio.to_thread(read)
        except tickets.TicketError:
            return error(404, f"no ticket {values['ticket_id']} reported by this consumer")
        return JSONResponse(_shown(ticket))

    for path, call, model, summary in ((REPORT, report, Problem, "Report a data quality problem (数据质量反馈)"),
                                       (STATUS, status, Asked, "How a reported problem stands")):
        app.add_api_route(path, call, methods=["POST"], tags=["consumer"], summary=summary, openapi_extra={
            "parameters": signed_headers, "responses": {**signed_responses, "404": {"description": "unknown"}},
            "requestBody": {"required": True, "content": {"application/json": {"schema": model.model_json_schema()}}}})


async def _signed(request: Request, authenticate, model) -> tuple[str, dict]:
    body = await request.body()
    app_key = authenticate(request, body)
    require_json(request)
    return app_key, parse(model, body)


def _reporter(app_key: str) -> str:
    """Who reported, as tickets keep it: the consumer (接入应用) by its app key."""
    return f"api:{app_key}"


def _shown(ticket: tickets.Ticket) -> dict:
    return {"ticket_id": ticket.ticket_id, "dataset": ticket.source, "record_key": ticket.record_key,
            "stage": ticket.stage, "stage_name": tickets.STAGE_NAMES[ticket.stage], "resolution": ticket.resolution,
            "owner": ticket.owner, "opened_at": ticket.opened_at.isoformat(), "due_at": ticket.due_at.isoformat(),
            "resolved_at": ticket.resolved_at.isoformat() if ticket.resolved_at else None}
