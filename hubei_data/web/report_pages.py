"""`/platform/reports/` (报告): the reports in the reports folder, opened as HTML or downloaded as XLSX, and the weekly
sharing report, quality bulletin or annual report generated for a chosen week or year, as `hubei-data report` does."""

import datetime as dt
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Route

from hubei_data import adhoc_query, runner, warehouse
from hubei_data.beijing_time import when
from hubei_data.control.audit_trail import Actor
from hubei_data.control.permissions import Permission
from hubei_data.registry import RegistryError
from hubei_data.reports import ReportError, annual, quality_bulletin, weekly
from hubei_data.reports.generate import annual_report, quality_report, weekly_report
from hubei_data.reports.periods import Week, today
from hubei_data.reports.writing import reports_dir
from hubei_data.web import pages, portal
from hubei_data.web.csrf import checked_form
from hubei_data.web.refusal import Refusal
from hubei_data.web.session import require, source

PATH = "/platform/reports/"
KINDS = {"weekly": weekly.TITLE, "quality": quality_bulletin.TITLE, "annual": annual.TITLE}
_REFUSALS = (ReportError, RegistryError, adhoc_query.QueryRefused, warehouse.WarehouseError)
_SUFFIXES = {".html": "text/html; charset=utf-8",
             ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
# A report page carries its charts as data: images and its own styles, and nothing else.
_REPORT_HEADERS = {**pages.HEADERS, "Content-Security-Policy": "default-src 'none'; img-src data:; "
                   "style-src 'unsafe-inline'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'"}


def _listed(directory: Path) -> list[dict]:
    """The reports in the folder, newest first: name, kind, the formats written and when."""
    found: dict[str, dict] = {}
    for path in directory.glob("*") if directory.is_dir() else ():
        if path.suffix in _SUFFIXES and not path.name.startswith("."):
            entry = found.setdefault(path.stem, {"name": path.stem, "kind": _kind(path.stem), "formats": [],
                                                 "at": None})
            entry["formats"].append(path.suffix[1:])
            moment = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
            entry["at"] = max(entry["at"] or moment, moment)
    return sorted(found.values(), key=lambda entry: entry["at"], reverse=True)


def _made(request: Request, reports: list[dict]) -> str:
    """The report just generated, when the address names one that is in the folder."""
    made = request.query_params.get("made", "")
    return made if any(report["name"] == made for report in reports) else ""


def _kind(name: str) -> str:
    return next((title for title in KINDS.values() if name.startswith(f"{title}-")), "即席报告 Ad-hoc")


async def listing(request: Request) -> Response:
    person = await require(request, Permission.REPORT_VIEW, PATH)
    reports = await run_in_threadpool(_listed, reports_dir())
    return portal.show(request, person, "reports.html", "报告 Reports", reports=reports, kinds=KINDS, when=when,
                       made=_made(request, reports), last_week=Week.last_complete().label,
                       year=today().year)


async def report_file(request: Request) -> Response:
    name = request.path_params["name"]
    person = await require(request, Permission.REPORT_VIEW, f"report {name}")
    path = reports_dir() / name
    if Path(name).name != name or path.suffix not in _SUFFIXES or not path.is_file():
        raise Refusal(404, f"there is no report file {name!r}: the reports page lists them")
    await portal.audit_view(request, person, f"report {path.stem}", file=name)
    if path.suffix == ".html":
        return FileResponse(path, media_type=_SUFFIXES[".html"], headers=_REPORT_HEADERS)
    return FileResponse(path, media_type=_SUFFIXES[".xlsx"], filename=name, headers={"Cache-Control": "no-store"})


async def generate(request: Request) -> Response:
    person = await require(request, Permission.REPORT_VIEW, f"{PATH}generate")
    fields = await checked_form(request)
    kind = fields.get("kind", "")
    if kind not in KINDS:
        raise Refusal(400, f"unknown report {kind!r}: choose one of {', '.join(KINDS)}")
    by = Actor(person.username, source(request))
    try:
        make = _maker(kind, fields)
        written = await request.app.state.database.run(make, reports_dir(), by)
    except _REFUSALS as error:
        raise Refusal(400, str(error).strip().splitlines()[0]) from None
    return RedirectResponse(f"{PATH}?made={written[0].stem}", status_code=303)


def _maker(kind: str, fields: dict[str, str]):
    """`make(conn, directory, by)` for the report asked for; its period checked before anything runs."""
    if kind == "annual":
        text = fields.get("year", "").strip()
        if not text.isdigit() or not 2000 <= int(text) <= 2999:
            raise ReportError(f"{text!r} is not a year: write it as 2026")
        return lambda conn, directory, by: annual_report(conn, runner.instance(), int(text), directory, by)
    week = Week.parse(fields.get("week", ""))
    make = weekly_report if kind == "weekly" else quality_report
    return lambda conn, directory, by: make(conn, week, directory, by)[1]


ROUTES = [
    Route(PATH, listing, methods=["GET"]),
    Route("/platform/reports", lambda _: RedirectResponse(PATH), methods=["GET"]),
    Route(f"{PATH}generate", generate, methods=["POST"]),
    Route(f"{PATH}files/{{name:str}}", report_file, methods=["GET"]),
]
