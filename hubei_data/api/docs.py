"""The browsable API documentation (/docs), with Swagger UI's files served by the service: nothing loads from elsewhere."""

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse
from swagger_ui_bundle import swagger_ui_path

from hubei_data.api.errors import error

ASSETS = "/docs/assets"
# Only what the page needs: the bundle's own index.html and initializer point at a demo API on the internet.
FILES = {"swagger-ui-bundle.js": "text/javascript", "swagger-ui.css": "text/css", "favicon-32x32.png": "image/png"}


def add_docs(app: FastAPI) -> None:
    """/docs and its assets; create the app with docs_url=None and redoc_url=None so no CDN page remains."""

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url, title=app.title,
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js", swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS}/favicon-32x32.png",
            # No badge from the public validator: the page makes no request beyond this service.
            swagger_ui_parameters={"validatorUrl": None},
        )

    @app.get(ASSETS + "/{name}", include_in_schema=False)
    async def asset(name: str):
        if name not in FILES:
            return error(404, f"no documentation asset {name!r}")
        return FileResponse(swagger_ui_path / name, media_type=FILES[name])
