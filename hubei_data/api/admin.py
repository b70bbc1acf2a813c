"""Administration over HTTP: consumers and grants, behind the administrator's bearer token."""

import datetime as dt
import hmac
from typing import Annotated, Literal

import psycopg
from fastapi import FastAPI, Header, Path
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from hubei_data.api import store
from hubei_data.api.errors import error
from hubei_data.api.vault import Vault

Text = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]*$")]


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
    value: Annotated[list[str | int | float | bool], Field(max_length=100)] | str | int | float | bool | None = None


class Approval(BaseModel):
    model_config = ConfigDict(extra="forbid")
    fields: Annotated[list[Text], Field(max_length=100)] | None = None
    row_scope: Annotated[list[Condition], Field(max_length=20)] = []
    allow_personal: bool = False
    rate_per_minute: int = Field(60, ge=1, le=100_000)


class Decision(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: Annotated[str, StringConstraints(max_length=500)] = ""


def add_routes(app: FastAPI, settings) -> None:
    """Admin routes; with no HUBEI_DATA_API_ADMIN_TOKEN set they refuse every call.

    A change made here reloads this service's grants before it answers, so the very next call
    sees it; changes from the CLI reach it by notification.
    """
    Authorization = Annotated[str | None, Header(description="Bearer <HUBEI_DATA_API_ADMIN_TOKEN>")]
    GrantId = Annotated[int, Path(ge=1, le=2**62)]

    @app.get("/admin/consumers", tags=["admin"])
    def list_consumers(authorization: Authorization = None):
        return _as_admin(settings, authorization, lambda conn: _json(store.consumers(conn)))

    @app.post("/admin/consumers", tags=["admin"], status_code=201)
    def create_consumer(body: NewConsumer, authorization: Authorization = None):
        def action(conn):
            app_key, secret = store.create_consumer(conn, Vault(), body.name, body.department)
            app.state.book.reload()
            return JSONResponse({"app_key": app_key, "secret": secret}, status_code=201)
        return _as_admin(settings, authorization, action)

    @app.get("/admin/grants", tags=["admin"])
    def list_grants(status: Literal["pending", "approved", "rejected", "revoked"] | None = None,
                    authorization: Authorization = None):
        return _as_admin(settings, authorization, lambda conn: _json(store.grants(conn, status)))

    @app.post("/admin/grants/{grant_id}/approve", tags=["admin"])
    def approve(grant_id: GrantId, body: Approval, authorization: Authorization = None):
        def action(conn):
            spec = app.state.specs[_api_of(conn, grant_id)]
            scope = [c.model_dump(exclude_none=True) for c in body.row_scope]
            store.approve(conn, grant_id, spec, "admin-api", body.fields, scope, body.allow_personal,
                          body.rate_per_minute)
            app.state.book.reload()
            return {"grant_id": grant_id, "status": "approved"}
        return _as_admin(settings, authorization, action)

    @app.post("/admin/grants/{grant_id}/reject", tags=["admin"])
    def reject(grant_id: GrantId, body: Decision, authorization: Authorization = None):
        def action(conn):
            store.reject(conn, grant_id, "admin-api", body.note)
            app.state.book.reload()
            return {"grant_id": grant_id, "status": "rejected"}
        return _as_admin(settings, authorization, action)

    @app.post("/admin/grants/{grant_id}/revoke", tags=["admin"])
    def revoke(grant_id: GrantId, body: Decision, authorization: Authorization = None):
        def action(conn):
            store.revoke(conn, grant_id, "admin-api", body.note)
            app.state.book.reload()
            return {"grant_id": grant_id, "status": "revoked"}
        return _as_admin(settings, authorization, action)


def _as_admin(settings, authorization: str | None, action):
    """The action's answer for the administrator; 401 for anyone else, 4xx for what cannot be done."""
    if not admin_token_matches(settings, authorization):
        return error(401, "administrator bearer token required")
    with psycopg.connect(settings.url) as conn:
        try:
            return action(conn)
        except store.ApiAdminError as exc:
            return error(422, str(exc))
        except LookupError as exc:
            return error(404, str(exc.args[0]))


def _api_of(conn, grant_id: int) -> str:
    row = conn.execute("select api from api.grants where grant_id = %s", (grant_id,)).fetchone()
    if row is None:
        raise LookupError(f"no grant {grant_id}")
    return row[0]


def _json(rows: list[dict]) -> JSONResponse:
    import json

    return JSONResponse(json.loads(json.dumps(rows, default=str, ensure_ascii=False)))


def admin_token_matches(settings, header: str | None) -> bool:
    if not settings.admin_token or not header or not header.startswith("Bearer "):
        return False
    return hmac.compare_digest(header.removeprefix("Bearer ").encode(), settings.admin_token.encode())
