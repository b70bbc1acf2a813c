"""The data API service: one signed POST route per API definition, admin routes, OpenAPI docs."""

import asyncio
import datetime as dt
import json
import time
from contextlib import asynccontextmanager
from dataclasses import dataclass

import psycopg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from psycopg_pool import AsyncConnectionPool
from pydantic import ValidationError

from hubei_data import signing
from hubei_data.api import admin
from hubei_data.api.audit import AuditLog, Call, params_digest
from hubei_data.api.body_limit import BodyLimit
from hubei_data.api.docs import add_docs
from hubei_data.api.errors import Refused, error
from hubei_data.api.guard import GrantBook, NonceBook, RateLimiter
from hubei_data.api.query import build, visible_fields
from hubei_data.api.request_model import missing_choice, request_model
from hubei_data.api.spec import ApiSpec
from hubei_data.api.vault import Vault

MAX_BODY_BYTES = 16 * 1024
_SIGNED_HEADERS = [
    {"name": h, "in": "header", "required": True, "schema": {"type": "string"}} for h in signing.HEADERS
]


@dataclass(frozen=True)
class Settings:
    """`url` connects as the owner (consumers, grants, the call log); `reader_url` as the read-only
    role every data query runs as."""

    url: str
    reader_url: str
    admin_token: str | None
    statement_timeout_ms: int = 5000
    pool_size: int = 10


def create_app(specs: dict[str, ApiSpec], vault: Vault, settings: Settings) -> FastAPI:
    """The service over these APIs; it opens its pools and starts listening for grant changes on startup."""

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        reader = AsyncConnectionPool(settings.reader_url, min_size=2, max_size=settings.pool_size, open=False,
                                     configure=_reader(settings.statement_timeout_ms))
        writer = AsyncConnectionPool(settings.url, min_size=1, max_size=2, open=False,
                                     kwargs={"autocommit": True})
        await reader.open()
        await writer.open()
        app.state.reader, app.state.writer = reader, writer
        with psycopg.connect(settings.url) as conn:
            app.state.nonces.load(conn)
        app.state.audit = AuditLog(writer, app.state.nonces)
        await app.state.book.start()
        await app.state.audit.start()
        try:
            yield
        finally:
            await app.state.audit.stop()
            await app.state.book.stop()
            await reader.close()
            await writer.close()

    app = FastAPI(
        title="hubei_data 数据服务 (data API)",
        description="Approved, signed, audited queries over the share library (共享库). Every data call is a POST "
                    "signed with HMAC-SHA256 over method, path, timestamp, nonce and the body's SHA-256.",
        version="1",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.book = GrantBook(settings.url, specs, vault)
    app.state.limiter = RateLimiter()
    app.state.nonces = NonceBook()
    app.state.specs = specs

    @app.exception_handler(RequestValidationError)
    async def invalid(_, exc: RequestValidationError):
        return error(422, _describe(exc.errors()))

    app.add_middleware(BodyLimit, limit=MAX_BODY_BYTES)

    @app.get("/health", tags=["service"])
    async def health() -> dict:
        return {"status": "ok", "apis": len(specs)}

    @app.get("/v1/apis", tags=["service"])
    async def listed() -> list[dict]:
        """The APIs this service answers: name, title, description, parameters and fields."""
        return [
            {"name": s.name, "title": s.title, "description": s.description, "path": s.path, "mode": s.mode,
             "params": [{"name": n, "type": p.type, "required": p.required} for p in s.params for n in p.request_names],
             "fields": list(s.fields), "personal_fields": list(s.personal), "max_page_size": s.max_page_size}
            for s in specs.values()
        ]

    for spec in specs.values():
        _add_route(app, spec)
    _add_application_route(app)
    admin.add_routes(app, settings)
    add_docs(app)
    return app


def _reader(timeout_ms: int):
    async def configure(connection: psycopg.AsyncConnection) -> None:
        await connection.execute(f"set statement_timeout = {int(timeout_ms)}")
        await connection.execute("set default_transaction_read_only = on")
        await connection.commit()

    return configure


def _authenticate(request: Request, body: bytes) -> str:
    """The app key of a request signed by its consumer, fresh, with a nonce never used before."""
    # As sent, not decoded: the consumer signed the bytes of its request line.
    query = request.scope.get("query_string", b"")
    path = request.scope.get("raw_path", request.url.path.encode()).decode("latin-1")
    path += f"?{query.decode('latin-1')}" if query else ""
    refusal = signing.check(request.headers, request.app.state.book.secrets, request.method, path, body)
    if refusal:
        raise Refused(refusal.status, refusal.reason)
    app_key = request.headers["X-App-Key"]
    if not request.app.state.nonces.first_use(app_key, request.headers["X-Nonce"]):
        raise Refused(401, "nonce already used: sign each request afresh")
    return app_key


def _parse(model, body: bytes) -> dict:
    try:
        document = json.loads(body or b"{}")
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise Refused(400, "the body is not JSON") from None
    if not isinstance(document, dict):
        raise Refused(422, "the body is a JSON object of parameters")
    try:
        return model.model_validate(document).model_dump()
    except ValidationError as exc:
        raise Refused(422, _describe(exc.errors())) from None


def _describe(errors) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in e['loc'] if p != 'body') or 'body'}: {e['msg']}" for e in errors[:10])


def _add_route(app: FastAPI, spec: ApiSpec) -> None:
    model = request_model(spec)
    schema = model.model_json_schema()

    async def call(request: Request) -> Response:
        started, app_key, grant, values, rows = time.perf_counter(), None, None, None, None
        status, message = 200, None
        try:
            body = await request.body()
            # The key a refused call claimed is logged too: the log shows who is knocking.
            app_key = (request.headers.get("X-App-Key") or "")[:64] or None
            app_key = _authenticate(request, body)
            grant, why = request.app.state.book.grant(app_key, spec.name)
            if grant is None:
                raise Refused(403, why)
            if not request.app.state.limiter.allow(grant):
                raise Refused(429, f"over the grant's limit of {grant.rate_per_minute} calls a minute")
            values = _parse(model, body)
            problem = missing_choice(spec, values)
            if problem:
                raise Refused(422, problem)
            found = await _query(request.app.state.reader, spec, grant, values)
            rows = min(len(found), values["page_size"])
            return Response(
                json.dumps({
                    "api": spec.name, "page": values["page"], "page_size": values["page_size"],
                    "has_more": len(found) > values["page_size"], "fields": list(visible_fields(spec, grant)),
                    "rows": found[: values["page_size"]],
                }, ensure_ascii=False, default=str),
                media_type="application/json",
            )
        except Refused as refused:
            status, message = refused.status, refused.message
            return error(status, message)
        finally:
            request.app.state.audit.record(Call(
                dt.datetime.now(dt.UTC), app_key, spec.name, grant.grant_id if grant else None,
                params_digest(values) if values is not None else None, rows,
                (time.perf_counter() - started) * 1000, status, message,
            ))

    app.add_api_route(
        spec.path, call, methods=["POST"], name=spec.name, summary=spec.title, description=spec.description,
        tags=["data"], openapi_extra={
            "parameters": _SIGNED_HEADERS,
            "requestBody": {"required": True, "content": {"application/json": {"schema": schema}}},
            "responses": {"401": {"description": "unsigned, badly signed, stale or replayed"},
                          "403": {"description": "no approved grant in force"},
                          "422": {"description": "parameters not as declared"},
                          "429": {"description": "over the grant's rate limit"}},
        },
    )


async def _query(pool: AsyncConnectionPool, spec: ApiSpec, grant, values: dict) -> list[dict]:
    query, params = build(spec, grant, values)
    try:
        async with pool.connection() as connection, connection.cursor() as cursor:
            await cursor.execute(query, params)
            names = [d.name for d in cursor.description]
            return [dict(zip(names, row)) for row in await cursor.fetchall()]
    except psycopg.errors.QueryCanceled:
        raise Refused(504, "the query took longer than the service allows; narrow it") from None
    except psycopg.errors.DataError as exc:
        raise Refused(400, f"a parameter is out of range: {exc.diag.message_primary}") from None


def _add_application_route(app: FastAPI) -> None:
    from hubei_data.api.store import ApiAdminError, apply

    async def application(request: Request) -> Response:
        body = await request.body()
        try:
            app_key = _authenticate(request, body)
            values = _parse(admin.Application, body)
        except Refused as refused:
            return error(refused.status, refused.message)
        if values["api"] not in app.state.specs:
            return error(404, f"no API {values['api']!r}; GET /v1/apis lists them")

        def record() -> int:
            with psycopg.connect(request.app.state.book.url) as conn:
                return apply(conn, app_key, values["api"], values["purpose"], values["valid_from"],
                             values["valid_until"])

        try:
            grant_id = await asyncio.to_thread(record)  # a blocking connection, kept off the event loop
        except ApiAdminError as exc:
            return error(422, str(exc))
        return JSONResponse({"grant_id": grant_id, "status": "pending"}, status_code=201)

    app.add_api_route(
        "/v1/applications", application, methods=["POST"], tags=["consumer"], summary="Apply for an API",
        openapi_extra={"parameters": _SIGNED_HEADERS, "requestBody": {
            "required": True, "content": {"application/json": {"schema": admin.Application.model_json_schema()}}}},
    )

