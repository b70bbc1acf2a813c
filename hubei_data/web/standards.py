"""`/platform/standards/`: the data standards (数据标准) — data elements with search, an element with its versioned
code list and where it is used, and the standards workbook as XLSX."""

import anyio
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from hubei_data import registry
from hubei_data.api.spec import specs
from hubei_data.catalog import lifecycle
from hubei_data.catalog.usage import element_usage
from hubei_data.control.permissions import Permission
from hubei_data.governance.list_status import tables_behind
from hubei_data.registry import workbook
from hubei_data.registry.described import ELEMENT_COLUMNS, code_value_rows, element_rows, version_rows
from hubei_data.web import downloads, portal
from hubei_data.web.refusal import Refusal
from hubei_data.web.session import require

PATH = "/platform/standards/"
EXPORT = PATH + "export.xlsx"
LONGEST_TERM = 100
SEARCHED = ("element", "chinese", "english", "definition")


def _registry() -> registry.Registry:
    return portal.declared("数据标准无法读取。The data standards cannot be read")


async def search(request: Request) -> Response:
    person = await require(request, Permission.CATALOG_VIEW, "standards")
    declared = await anyio.to_thread.run_sync(_registry)
    standards = {name: f"{standard.code} {standard.chinese}" for name, standard in declared.standards.items()}
    term, standard = request.query_params.get("q", "").strip(), request.query_params.get("standard", "")
    if len(term) > LONGEST_TERM:
        raise Refusal(400, f"搜索词过长（最多 {LONGEST_TERM} 个字符）。The search term is too long.")
    if standard and standard not in standards:
        raise Refusal(400, f"没有标准 {standard!r}。Unknown standard.")
    rows = [row for row in element_rows(declared)
            if (not term or any(term.lower() in str(row[key] or "").lower() for key in SEARCHED))
            and (not standard or row["standard"] == standards[standard])]
    return portal.show(request, person, "standards.html", "数据标准 Standards", rows=rows,
                       total=len(declared.elements), term=term, standard=standard, standards=standards)


def _usage(declared: registry.Registry, name: str, conn):
    apis = specs(declared)
    return element_usage(name, lifecycle.published(conn), lambda entry: tables_behind(entry, apis))


async def element_page(request: Request) -> Response:
    name = request.path_params["name"]
    person = await require(request, Permission.CATALOG_VIEW, f"standards {name}")
    declared = await anyio.to_thread.run_sync(_registry)
    if name not in declared.elements:
        raise Refusal(404, f"没有数据元 {name}。No data element {name}.")
    row = next(row for row in element_rows(declared) if row["element"] == name)
    listed = declared.elements[name].code_list
    versions = version_rows(declared, listed) if listed else []
    values = [value for value in code_value_rows(declared) if value["code_list"] == listed]
    usage = await request.app.state.database.run(lambda conn: _usage(declared, name, conn))
    return portal.show(request, person, "standard.html", f"{row['chinese']} · 数据标准", row=row,
                       columns=ELEMENT_COLUMNS, listed=listed, versions=versions, values=values, usage=usage,
                       code_list=declared.code_lists[listed] if listed else None)


async def export(request: Request) -> Response:
    person = await require(request, Permission.CATALOG_VIEW, "standards export")
    declared = await anyio.to_thread.run_sync(_registry)
    content = await anyio.to_thread.run_sync(workbook.render, declared)
    await portal.audit_view(request, person, "standards export", format="xlsx", elements=len(declared.elements),
                            code_lists=len(declared.code_lists))
    return downloads.xlsx(content, "数据标准.xlsx", "standards.xlsx")


ROUTES = [
    Route(PATH, search, methods=["GET"]),
    Route(PATH.rstrip("/"), lambda _: RedirectResponse(PATH), methods=["GET"]),
    Route(EXPORT, export, methods=["GET"]),
    Route(PATH + "{name}", element_page, methods=["GET"]),
]
