"""The web app: the login, the portal's modules, and the Dagster UI behind them, with the services it supervises."""

import asyncio
from collections.abc import Callable
from contextlib import AbstractContextManager, asynccontextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path

import anyio
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from hubei_data.attached import Service, Supervisor
from hubei_data.web import (account, audit_pages, catalog, dagster_route, graphql_route, manage, metric_pages,
                            metrics, pages, query_pages, report_pages, resources, sharing, standards, status, tickets,
                            websocket_proxy)
from hubei_data.web.database import Database
from hubei_data.web.refusal import Refusal
from hubei_data.web.session import clear_cookie, token
from hubei_data.web.upstream import Upstream

WATCH_SECONDS = 2


@dataclass(frozen=True)
class Settings:
    """`database_url` connects as the owner role; `socket` is the Dagster webserver's; `services` are started
    with the app and stopped with it, the warehouse held for them by `hold_warehouse` (given their process ids)
    until then."""

    database_url: str
    socket: Path
    catalog_page: Path
    services: tuple[Service, ...] = ()
    hold_warehouse: Callable[[list[int]], AbstractContextManager] = lambda _: nullcontext()


def create_app(settings: Settings, on_service_end: Callable[[str], None] = lambda _: None) -> Starlette:
    """The app; `on_service_end` hears what a service said when it ended on its own."""

    @asynccontextmanager
    async def lifespan(app: Starlette):
        app.state.database.open()
        supervisor = Supervisor(settings.services)
        supervisor.start()
        watcher = asyncio.create_task(_watch(supervisor, on_service_end))
        with settings.hold_warehouse([child.pid for _, child in supervisor.children]):
            try:
                yield
            finally:
                watcher.cancel()
                await anyio.to_thread.run_sync(supervisor.stop)
                await app.state.upstream.close()
                app.state.database.close()

    app = Starlette(
        routes=[*account.ROUTES, *catalog.ROUTES, *resources.ROUTES, *standards.ROUTES, *query_pages.ROUTES,
                *metric_pages.ROUTES, *sharing.ROUTES, *metrics.ROUTES, *status.ROUTES, *manage.ROUTES,
                *tickets.ROUTES, *report_pages.ROUTES, *audit_pages.ROUTES, *graphql_route.ROUTES,
                *websocket_proxy.ROUTES, *dagster_route.ROUTES],
        lifespan=lifespan,
        exception_handlers={Refusal: _refused, HTTPException: _http_error, Exception: _failed},
    )
    app.state.settings = settings
    app.state.database = Database(settings.database_url)
    app.state.upstream = Upstream(settings.socket)
    return app


async def _watch(supervisor: Supervisor, on_service_end: Callable[[str], None]) -> None:
    while not (ended := supervisor.ended()):
        await asyncio.sleep(WATCH_SECONDS)
    on_service_end(ended)


async def _refused(request: Request, refusal: Refusal) -> Response:
    response = pages.refused(request, refusal)
    if refusal.status == 401 and token(request):
        clear_cookie(response, request)
    return response


async def _http_error(request: Request, error: HTTPException) -> Response:
    return pages.refused(request, Refusal(error.status_code, str(error.detail)))


async def _failed(request: Request, _error: Exception) -> Response:
    # Starlette raises the error on after this answer, so the server's log has its traceback; the person does not.
    return pages.refused(request, Refusal(500, "the platform failed to answer; the failure is logged"))
