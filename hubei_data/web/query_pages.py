"""数据查询: query a share (or, for `query.run`, a resource) table by fields, page through it, export it.

Every page of rows shown is in the audit trail as a data view, every export as a data export, with the filters.
"""

import csv
import datetime as dt
import io
from urllib.parse import urlencode

from openpyxl import Workbook
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from hubei_data.catalog.export import write_sheet
from hubei_data.control import audit_trail
from hubei_data.control.audit_chain import Action, Outcome
from hubei_data.control.permissions import Permission
from hubei_data.web import portal, table_query
from hubei_data.web.query_tables import LIBRARIES, Table, is_resource, shares_in_force, tables_for
from hubei_data.web.refusal import Refusal
from hubei_data.web.session import identity, require, source

EXPORT_CAP = 100_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A spreadsheet opening a CSV runs a cell starting with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


async def query_page(request: Request) -> Response:
    """The tables to choose from; with `table`, that table's rows as the filters, order and page ask."""
    ref = request.query_params.get("table")
    if ref:
        return await _table_page(request, ref)
    person = await identity(request)
    if not person.may(Permission.METRIC_VIEW):
        person = await require(request, Permission.DATA_QUERY, "query")
    tables = tables_for(person, await _shares(request, person))
    libraries = {library: [t for t in tables.values() if t.schema == library] for library in LIBRARIES}
    return portal.show(request, person, "query_tables.html", "数据查询 Query", libraries=libraries, names=LIBRARIES,
                       metrics=person.may(Permission.METRIC_VIEW))


async def _table_page(request: Request, ref: str) -> Response:
    person, table = await _table(request, Permission.DATA_QUERY, ref)
    query = table_query.parse(table, request.query_params)
    total, rows = await run_in_threadpool(table_query.page, query)
    await portal.audit_view(request, person, f"query {ref}", filters=query.described(), order=query.order,
                            descending=query.descending, page=query.page, rows=len(rows), total=total,
                            **({"share": table.grant} if table.grant else {}))
    pages = max(1, -(-total // table_query.PAGE_SIZE))
    blank = {"field": "", "op": "=", "value": ""}
    asked = zip(request.query_params.getlist("field"), request.query_params.getlist("op"),
                request.query_params.getlist("value"))
    filters = [{"field": field, "op": op, "value": value} for field, op, value in asked if field]
    return portal.show(
        request, person, "query_table.html", f"{table.chinese} · 数据查询", table=table, query=query,
        rows=[[_shown(v) for v in row] for row in rows], total=total, pages=pages, filters=[*filters, blank],
        operators=table_query.OPERATORS, page_size=table_query.PAGE_SIZE, masked=[f for f in table.fields if f.mask],
        link=lambda **change: _link(request, **change), export=person.may(Permission.DATA_EXPORT),
        export_cap=EXPORT_CAP)


async def export(request: Request) -> Response:
    """The whole query (not only one page) as CSV or XLSX, up to EXPORT_CAP rows; audited as a data export."""
    form = request.path_params["form"]
    if form not in ("csv", "xlsx"):
        raise Refusal(404, "exports are .csv or .xlsx")
    ref = request.query_params.get("table") or ""
    await require(request, Permission.DATA_EXPORT, f"query {ref}")
    person, table = await _table(request, Permission.DATA_QUERY, ref)
    query = table_query.parse(table, request.query_params)
    found, rows = await run_in_threadpool(_export_rows, query)
    detail = {"format": form, "filters": query.described(), "order": query.order, "rows": len(rows)}
    if found > EXPORT_CAP:
        await _audit_export(request, person.username, ref, Outcome.DENIED, {**detail, "matching": found})
        raise Refusal(400, f"the query matches {found:,} rows, more than the {EXPORT_CAP:,} an export may hold;"
                           " add filters to narrow it")
    await _audit_export(request, person.username, ref, Outcome.SUCCESS, detail)
    name = f"{table.name}-{dt.date.today():%Y%m%d}.{form}"
    body, media = (_csv(table, rows), "text/csv; charset=utf-8") if form == "csv" else (_xlsx(table, rows), XLSX)
    return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"',
                                                     "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})


async def _table(request: Request, permission: Permission, ref: str) -> tuple:
    """The person, when they may query the table, and the table as they see it."""
    person = await require(request, permission, f"query {ref}")
    if is_resource(ref):
        person = await require(request, Permission.QUERY_RUN, f"query {ref}")
    table = tables_for(person, await _shares(request, person)).get(ref)
    if table is None:
        raise Refusal(400, f"no table {ref!r} to query: choose one from the list on /platform/query/")
    return person, table


async def _shares(request: Request, person) -> list[dict]:
    """The person's shares in force, which bound what they read; none needed for whoever reads the libraries whole."""
    if person.may(Permission.QUERY_RUN):
        return []
    return await request.app.state.database.run(shares_in_force, person.username, dt.date.today())


def _export_rows(query: table_query.Query) -> tuple[int, list[tuple]]:
    with table_query.reading(query.table.reader, query.table.ref) as conn:
        found = table_query.count(conn, query)
        return found, ([] if found > EXPORT_CAP else table_query.rows(conn, query, EXPORT_CAP))


async def _audit_export(request: Request, username: str, ref: str, outcome: Outcome, detail: dict) -> None:
    await request.app.state.database.run(
        audit_trail.append, username, source(request), Action.DATA_EXPORT, f"query {ref}", outcome, detail)


def _headings(table: Table) -> list[str]:
    return [f"{f.chinese} {f.name}" for f in table.fields]


def _csv(table: Table, rows: list[tuple]) -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheets read the Chinese; text that would run as a formula is quoted."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(_headings(table))
    for row in rows:
        writer.writerow(["'" + v if isinstance(v, str) and v.startswith(_FORMULA_STARTS) else v for v in row])
    return buffer.getvalue().encode("utf-8-sig")


def _xlsx(table: Table, rows: list[tuple]) -> bytes:
    book = Workbook()
    write_sheet(book.active, table.name, _headings(table), [list(row) for row in rows])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else str(value)


def _link(request: Request, **change) -> str:
    """This page's address with some parameters changed (the page, the order)."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in change]
    params += [(k, str(v)) for k, v in change.items() if v is not None]
    return "/platform/query/?" + urlencode(params)


ROUTES = [
    Route("/platform/query/", query_page, methods=["GET", "HEAD"]),
    Route("/platform/query", lambda _: RedirectResponse("/platform/query/"), methods=["GET", "HEAD"]),
    Route("/platform/query/export.{form:str}", export, methods=["GET"]),
]
