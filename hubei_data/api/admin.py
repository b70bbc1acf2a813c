"""Administration over HTTP: consumers and grants, for people whose bearer token's roles allow each route."""

import datetime as dt
import json
from typing import Annotated, Literal

import psycopg
from fastapi import APIRouter, FastAPI, Path, Request, Security
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from fastapi.security import HTTPBearer
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from hubei_data.api import store
from hubei_data.api.errors import error
from hubei_data.api.json_body import JSON, JsonRequest, is_json
from hubei_data.api.request_model import NO_CONTROL, Text
from hubei_data.control import sessions
from hubei_data.control.audit_trail import Actor
from hubei_data.control.permissions import COMMAND_PERMISSION
from hubei_data.storable import storable

# Notes may run over lines; no other control characters, and never NUL, which PostgreSQL cannot hold.
Note = Annotated[str, StringConstraints(max_length=500, pattern=r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$")]
Scalar = Annotated[str, StringConstraints(max_length=200, pattern=NO_CONTROL)] | int | \
    Annotated[float, Field(allow_inf_nan=False)] | bool
# Declares the scheme in the OpenAPI document (Swagger UI's Authorize button); AdminRoute checks it.
BEARER = HTTPBearer(auto_error=False, description="Bearer <a person's token: `hubei-data token create`>")


class AdminRoute(APIRoute):
    """An admin route: who calls, whether their roles allow the route, then the Content-Type, are checked
    before anything reads the body.

    So a stranger's request gets its 401 and a person without the right its 403 whatever the body,
    each with an audit row; the body is read by pydantic's parser. The route's handler finds the
    caller in `request.state.actor`.
    """

    def get_route_handler(self):
        handler = super().get_route_handler()
        (method,) = self.methods
        operation = f"{method} {self.path_format}"
        permission = COMMAND_PERMISSION[operation]

        async def guarded(request: Request) -> Response:
            source = storable(f"api@{request.client.host if request.client else 'unknown'}", 200)
            try:
                identity = await run_in_threadpool(
                    _caller, request.app.state.settings.url, request.headers.get("authorization"), operation,
                    permission, source)
            except sessions.Refused as refusal:
                return error(refusal.status, str(refusal))
            if request.method == "POST" and not is_json(request.headers.get("content-type")):
                return error(415, f"send the body as Content-Type: {JSON}")
            request.state.actor = Actor(identity.username, source)
            return await handler(JsonRequest(request.scope, request.receive))

        return guarded


def _caller(url: str, header: str | None, operation: str, permission, source: str) -> sessions.Identity:
    with psycopg.connect(url, autocommit=True) as conn:
        return sessions.authorize_bearer(conn, header, permission, operation, source)


class Application(BaseModel):
    """A consumer's application for an API (接口申请)."""

    model_config = ConfigDict(extra="forbid")
    api: Text
    purpose: Text
    valid_from: dt.date
    valid_until: dt.date


class NewConsumer(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Text
    department: Text


class Condition(BaseModel):
    model_config = ConfigDict(extra="forbid")
    field: Text
    op: Text
    value: Annotated[list[Scalar], Field(max_length=100)] | Scalar | None = None


class Approval(BaseModel):
    model_config = ConfigDict(extra="forbid")
    fields: Annotated[list[Text], Field(max_length=100)] | None = None
    row_scope: Annotated[list[Condition], Field(max_length=20)] = []
    allow_personal: bool = False
    rate_per_minute: int = Field(60, ge=1, le=100_000)


class Decision(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: Note = ""


def add_routes(app: FastAPI, settings) -> None:
    """Admin routes, each open to the roles docs/permissions.md gives its permission.

    A change made here reloads this service's grants before it answers, so the very next call
    sees it; changes from the CLI reach it by notification.
    """
    # strict_content_type off: a body sent with no type is read as JSON, as on the signed routes.
    router = APIRouter(prefix="/admin", tags=["admin"], route_class=AdminRoute, dependencies=[Security(BEARER)],
                       strict_content_type=False)
    GrantId = Annotated[int, Path(ge=1, le=2**62)]

    @router.get("/consumers")
    def list_consumers():
        return _as_admin(settings, lambda conn: _json(store.consumers(conn)))

    @router.post("/consumers", status_code=201)
    def create_consumer(body: NewConsumer, request: Request):
        def action(conn):
            app_key, secret = store.create_consumer(conn, app.state.book.vault, body.name, body.department,
                                                    request.state.actor)
            app.state.book.reload()
            return JSONResponse({"app_key": app_key, "secret": secret}, status_code=201)
        return _as_admin(settings, action)

    @router.get("/grants")
    def list_grants(status: Literal["pending", "approved", "rejected", "revoked"] | None = None):
        return _as_admin(settings, lambda conn: _json(store.grants(conn, status)))

    @router.post("/grants/{grant_id}/approve")
    def approve(grant_id: GrantId, body: Approval, request: Request):
        def action(conn):
            spec = app.state.specs[_api_of(conn, grant_id)]
            scope = [c.model_dump(exclude_none=True) for c in body.row_scope]
            store.approve(conn, grant_id, spec, request.state.actor, body.fields, scope, body.allow_personal,
                          body.rate_per_minute)
            app.state.book.reload()
            return {"grant_id": grant_id, "status": "approved"}
        return _as_admin(settings, action)

    @router.post("/grants/{grant_id}/reject")
    def reject(grant_id: GrantId, body: Decision, request: Request):
        def action(conn):
            store.reject(conn, grant_id, request.state.actor, body.note)
            app.state.book.reload()
            return {"grant_id": grant_id, "status": "rejected"}
        return _as_admin(settings, action)

    @router.post("/grants/{grant_id}/revoke")
    def revoke(grant_id: GrantId, body: Decision, request: Request):
        def action(conn):
            store.revoke(conn, grant_id, request.state.actor, body.note)
            app.state.book.reload()
            return {"grant_id": grant_id, "status": "revoked"}
        return _as_admin(settings, action)

    app.include_router(router)


def _as_admin(settings, action):
    """The action's answer (the caller is the administrator: AdminRoute checked), 4xx for what cannot be done."""
    with psycopg.connect(settings.url) as conn:
        try:
            return action(conn)
        except LookupError as exc:
            return error(404, str(exc.args[0]))
        except store.ApiAdminError as exc:
            return error(422, str(exc))
        except psycopg.errors.DataError as exc:
            return error(422, f"a value cannot be stored: {exc.diag.message_primary}")


def _api_of(conn, grant_id: int) -> str:
    row = conn.execute("select api from api.grants where grant_id = %s", (grant_id,)).fetchone()
    if row is None:
        raise LookupError(f"no grant {grant_id}")
    if row[0] is None:
        raise store.ApiAdminError(f"grant {grant_id} is for a front-end database, not an API: decide it in the"
                                  " portal (共享管理)")
    return row[0]


def _json(rows: list[dict]) -> JSONResponse:
    return JSONResponse(json.loads(json.dumps(rows, default=str, ensure_ascii=False)))
