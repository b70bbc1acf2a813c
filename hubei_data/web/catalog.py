"""The data resource catalog: dbt docs' one-file page, for those who may read the catalog."""

from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Route

from hubei_data.control.permissions import Permission
from hubei_data.web import pages
from hubei_data.web.session import require

# The page carries its own scripts and data; it may not be framed by another site.
_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff", "X-Frame-Options": "SAMEORIGIN"}


async def catalog(request: Request) -> Response:
    await require(request, Permission.CATALOG_VIEW, "catalog")
    page = request.app.state.settings.catalog_page
    if not page.is_file():
        return pages.notice(404, "数据资源目录尚未生成。The catalog has not been generated yet.",
                            "生成后刷新本页。Generate it, then reload this page:", "hubei-data catalog docs")
    return FileResponse(page, media_type="text/html; charset=utf-8", headers=_HEADERS)


ROUTES = [
    Route("/platform/catalog/", catalog, methods=["GET", "HEAD"]),
    Route("/platform/catalog", lambda _: RedirectResponse("/platform/catalog/"), methods=["GET", "HEAD"]),
]
