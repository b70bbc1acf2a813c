"""The data API service: one signed POST route per API definition, admin routes, health, OpenAPI docs."""

import asyncio
import json
from contextlib import asynccontextmanager
from dataclasses import dataclass

import psycopg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from psycopg_pool import AsyncConnectionPool, PoolTimeout
from starlette.exceptions import HTTPException

from hubei_data import signing
from hubei_data.api import admin, feedback
from hubei_data.api.audit import AuditLog, params_digest
from hubei_data.api.body_limit import BodyLimit
from hubei_data.api.call_recorder import CallRecorder
from hubei_data.api.docs import add_docs
from hubei_data.api.errors import Refused, error
from hubei_data.api.guard import GrantBook, NonceBook, RateLimiter
from hubei_data.api.json_body import parse, refusal, require_json
from hubei_data.api.query import build, visible_fields
from hubei_data.api.request_model import missing_choice, request_model
from hubei_data.api.spec import ApiSpec
from hubei_data.api.vault import Vault

MAX_BODY_BYTES = 16 * 1024
READER_WAIT_SECONDS = 3
APPLICATIONS = "/v1/applications"
_SIGNED_HEADERS = [
    {"name": h, "in": "header", "required": True, "schema": {"type": "string"}} for h in signing.HEADERS
]
_SIGNED_RESPONSES = {
    "401": {"description": "unsigned, badly signed, stale or replayed"},
    "413": {"description": f"body over {MAX_BODY_BYTES} bytes"},
    "415": {"description": "body not sent as application/json"},
    "503": {"description": "the service cannot log calls or hear grant changes now, so it answers none (GET /health)"},
}


@dataclass(frozen=True)
class Settings:
    """`url` connects as the owner (consumers, grants, the call log); `reader_url` as the read-only
    role every data query runs as."""

    url: str
    reader_url: str
    statement_timeout_ms: int = 5000
    pool_size: int = 10


def create_app(specs: dict[str, ApiSpec], vault: Vault, settings: Settings) -> FastAPI:
    """The service over these APIs; it opens its pools and starts listening for grant changes on startup."""

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # A call waits at most a few seconds for a connection: an unreachable warehouse answers 503 soon.
        reader = AsyncConnectionPool(settings.reader_url, min_size=2, max_size=settings.pool_size, open=False,
                                     timeout=READER_WAIT_SECONDS, configure=_reader(settings.statement_timeout_ms))
        writer = AsyncConnectionPool(settings.url, min_size=1, max_size=2, open=False,
                                     kwargs={"autocommit": True})
        await reader.open()
        await writer.open()
        app.state.reader = reader
        with psycopg.connect(settings.url) as conn:
            app.state.nonces.load(conn)
        await app.state.book.start()
        await app.state.audit.start(writer)
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
    app.state.settings = settings
    app.state.book = GrantBook(settings.url, specs, vault)
    app.state.limiter = RateLimiter()
    app.state.nonces = NonceBook()
    app.state.audit = AuditLog(app.state.nonces)
    app.state.specs = specs

    def problems() -> list[str]:
        return [p for p in (app.state.audit.problem, app.state.book.problem) if p]

    @app.exception_handler(RequestValidationError)
    async def invalid(_, exc: RequestValidationError):
        return error(*refusal(exc.errors()))

    @app.exception_handler(HTTPException)
    async def refused(_, exc: HTTPException):
        return error(exc.status_code, str(exc.detail), exc.headers)

    @app.exception_handler(Exception)
    async def failed(_, exc: Exception):
        return error(500, "the service failed to answer; the failure is logged")

    app.add_middleware(BodyLimit, limit=MAX_BODY_BYTES)
    app.add_middleware(CallRecorder, audit=app.state.audit, apis={s.path: s.name for s in specs.values()},
                       signed={s.path for s in specs.values()} | {APPLICATIONS, *feedback.PATHS}, problems=problems)

    @app.get("/health", tags=["service"], responses={503: {"description": "not answering data calls, and why"}})
    async def health() -> JSONResponse:
        """Whether the service answers data calls; if not, why (unauthenticated, no data)."""
        found = problems()
        if found:
            return JSONResponse({"status": "unavailable", "problems": found}, status_code=503)
        return JSONResponse({"status": "ok", "apis": len(specs)})

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
    feedback.add_routes(app, _authenticate, _SIGNED_HEADERS, _SIGNED_RESPONSES)
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


def _add_route(app: FastAPI, spec: ApiSpec) -> None:
    model = request_model(spec)
    schema = model.model_json_schema()

    async def call(request: Request) -> Response:
        facts = request.state.call  # filled in for the call log as the call proceeds
        try:
            body = await request.body()
            facts.app_key = _authenticate(request, body)
            grant, why = request.app.state.book.grant(facts.app_key, spec.name)
            if grant is None:
                raise Refused(403, why)
            facts.grant_id = grant.grant_id
            if not request.app.state.limiter.allow(grant):
                raise Refused(429, f"over the grant's limit of {grant.rate_per_minute} calls a minute")
            require_json(request)
            values = parse(model, body)
            facts.params_digest = params_digest(values)
            problem = missing_choice(spec, values)
            if problem:
                raise Refused(422, problem)
            found = await _query(request.app.state.reader, spec, grant, values)
        except Refused as refused:
            return error(refused.status, refused.message)
        facts.rows = min(len(found), values["page_size"])
        return Response(
            json.dumps({
                "api": spec.name, "page": values["page"], "page_size": values["page_size"],
                "has_more": len(found) > values["page_size"], "fields": list(visible_fields(spec, grant)),
                "rows": found[: values["page_size"]],
            }, ensure_ascii=False, default=str),
            media_type="application/json",
        )

    app.add_api_route(
        spec.path, call, methods=["POST"], name=spec.name, summary=spec.title, description=spec.description,
        tags=["data"], openapi_extra={
            "parameters": _SIGNED_HEADERS,
            "requestBody": {"required": True, "content": {"application/json": {"schema": schema}}},
            "responses": {**_SIGNED_RESPONSES,
                          "400": {"description": "body not JSON, or a value out of range"},
                          "403": {"description": "no approved grant in force"},
                          "422": {"description": "parameters not as declared"},
                          "429": {"description": "over the grant's rate limit"},
                          "504": {"description": "the query ran over the statement timeout"}},
        },
    )


async def _query(pool: AsyncConnectionPool, spec: ApiSpec, grant, values: dict) -> list[dict]:
    query, params = build(spec, grant, values)
    for attempt in (1, 2):
        try:
            async with pool.connection() as connection, connection.cursor() as cursor:
                await cursor.execute(query, params)
                names = [d.name for d in cursor.description]
                return [dict(zip(names, row)) for row in await cursor.fetchall()]
        except psycopg.errors.QueryCanceled:
            raise Refused(504, "the query took longer than the service allows; narrow it") from None
        except psycopg.errors.DataError as exc:
            raise Refused(400, f"a parameter is out of range: {exc.diag.message_primary}") from None
        except (psycopg.OperationalError, PoolTimeout):
            if attempt == 2:
                raise Refused(503, "the warehouse cannot be reached now; try again shortly") from None
            # Connections the warehouse dropped (a restart) are replaced before the one retry of this read.
            await pool.check()


def _add_application_route(app: FastAPI) -> None:
    from hubei_data.api.store import ApiAdminError, apply

    async def application(request: Request) -> Response:
        body = await request.body()
        try:
            app_key = _authenticate(request, body)
            require_json(request)
            values = parse(admin.Application, body)
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
        APPLICATIONS, application, methods=["POST"], tags=["consumer"], summary="Apply for an API",
        openapi_extra={"parameters": _SIGNED_HEADERS, "responses": _SIGNED_RESPONSES, "requestBody": {
            "required": True, "content": {"application/json": {"schema": admin.Application.model_json_schema()}}}},
    )

