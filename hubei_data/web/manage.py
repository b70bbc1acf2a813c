"""`/platform/manage/` (数据管理): Dagster runs and their logs, landed and rejected files, the quarantine, and the
operators' freezes, reruns and backfills through the same functions as `hubei-data runs` and `freeze`."""

import datetime as dt
from itertools import islice

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from hubei_data.beijing_time import when
from hubei_data.contracts import SOURCES
from hubei_data.control import audit_trail
from hubei_data.control.audit_chain import Action, Outcome
from hubei_data.control.permissions import Permission
from hubei_data.exchange.feeds import FEEDS
from hubei_data.ingest import landing
from hubei_data.ops import freezes, run_queue
from hubei_data.quality.report import issues
from hubei_data.web import portal
from hubei_data.web.csrf import checked_form
from hubei_data.web.refusal import Refusal
from hubei_data.web.session import require, source

PATH = "/platform/manage/"
STATUSES = ("queued", "started", "success", "failure", "canceled")
RUN_COLUMNS = ("run_id", "job", "status", "partition", "launched_by", "created", "started", "ended")
SHOWN_RUNS = 50
SHOWN_EVENTS = 2000
SHOWN_BATCHES = 200
SHOWN_ISSUES = 500


def _runs(status: str | None) -> list[dict]:
    return [dict(zip(RUN_COLUMNS, row)) for row in run_queue.runs(status, SHOWN_RUNS)]


def _subscriptions() -> list[str]:
    return freezes.known_names("subscription")


async def overview(request: Request) -> Response:
    person = await require(request, Permission.RUN_VIEW, PATH)
    status = request.query_params.get("status") or None
    if status is not None and status not in STATUSES:
        raise Refusal(400, f"unknown run status {status!r}: choose one of {', '.join(STATUSES)}")
    runs = await run_in_threadpool(_runs, status)
    in_force = await request.app.state.database.run(lambda conn: list(freezes.frozen(conn).values()))
    names = [*FEEDS, *await run_in_threadpool(_subscriptions)] if person.may(Permission.RUN_FREEZE) else []
    await portal.audit_view(request, person, "dagster runs", status=status or "", rows=len(runs))
    return portal.show(request, person, "manage.html", "数据管理 Data management", runs=runs, chosen=status,
                       statuses=STATUSES, in_force=in_force, kinds=freezes.KINDS, names=names,
                       backfill_id=request.query_params.get("backfill", ""), when=when, tab="runs")


async def run_page(request: Request) -> Response:
    run_id = request.path_params["run_id"]
    person = await require(request, Permission.RUN_VIEW, f"run {run_id}")
    try:
        row, events = await run_in_threadpool(run_queue.log, run_id, SHOWN_EVENTS)
    except run_queue.RunQueueError as error:
        raise Refusal(404, str(error)) from None
    await portal.audit_view(request, person, f"run {run_id}", events=len(events))
    return portal.show(request, person, "run.html", f"运行 Run {run_id[:8]}", run=dict(zip(RUN_COLUMNS, row)),
                       events=events, shown=SHOWN_EVENTS, when=when, tab="runs")


async def rerun(request: Request) -> Response:
    run_id = request.path_params["run_id"]
    person = await require(request, Permission.RUN_LAUNCH, f"run {run_id}")
    fields = await checked_form(request)
    from_failure = fields.get("from_failure") == "yes"
    launched = await _launch(request, person, f"run {run_id}", {"change": "rerun", "from_failure": from_failure},
                             run_queue.rerun, run_id, from_failure, person.username)
    return RedirectResponse(f"{PATH}runs/{launched.run_id}", status_code=303)


async def backfill(request: Request) -> Response:
    person = await require(request, Permission.BACKFILL_RUN, "backfill")
    fields = await checked_form(request)
    job = fields.get("job", "").strip()
    first, last = _day(fields.get("first", ""), "first day"), _day(fields.get("last", ""), "last day")
    if not job:
        raise Refusal(400, "name the partitioned job to backfill")
    backfill_id, _ = await _launch(request, person, f"backfill {job}",
                                   {"change": "backfill", "from": first.isoformat(), "to": last.isoformat()},
                                   run_queue.backfill, job, first, last, person.username)
    return RedirectResponse(f"{PATH}?backfill={backfill_id}", status_code=303)


async def _launch(request: Request, person, target: str, detail: dict, action, *args):
    """The run queue's answer to an action, its audit row written whichever way it ends; a refusal is a 400."""
    database = request.app.state.database
    try:
        done = await run_in_threadpool(action, *args)
    except run_queue.RunQueueError as error:
        await database.run(audit_trail.append, person.username, source(request), Action.RUN_LAUNCH, target,
                           Outcome.FAILURE, {**detail, "error": str(error)})
        raise Refusal(400, str(error)) from None
    made = {"run_id": done.run_id} if isinstance(done, run_queue.Launched) else {"backfill_id": done[0]}
    await database.run(audit_trail.append, person.username, source(request), Action.RUN_LAUNCH, target,
                       Outcome.SUCCESS, {**detail, **made})
    return done


def _day(text: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise Refusal(400, f"the {what} {text!r} is not a date: write it as 2026-11-30") from None


async def freeze(request: Request) -> Response:
    return await _change(request, lambda conn, actor, kind, name, fields:
                         freezes.freeze(conn, actor, kind, name, fields.get("reason", "")))


async def unfreeze(request: Request) -> Response:
    return await _change(request, lambda conn, actor, kind, name, _fields: freezes.unfreeze(conn, actor, kind, name))


async def _change(request: Request, change) -> Response:
    """Freeze or unfreeze as `hubei-data freeze` does: done with its audit row, or refused (audited) as a 400."""
    person = await require(request, Permission.RUN_FREEZE, "freeze")
    fields = await checked_form(request)
    kind, name = fields.get("kind", ""), fields.get("name", "").strip()
    if kind not in freezes.KINDS:
        raise Refusal(400, f"unknown kind {kind!r}: choose one of {', '.join(freezes.KINDS)}")
    actor = audit_trail.Actor(person.username, source(request))
    try:
        await request.app.state.database.run(change, actor, kind, name, fields)
    except freezes.FreezeError as error:
        raise Refusal(400, str(error)) from None
    return RedirectResponse(f"{PATH}#freezes", status_code=303)


async def ingest_history(request: Request) -> Response:
    person = await require(request, Permission.RUN_VIEW, f"{PATH}ingest")

    def read(conn):
        return landing.history(conn, "loaded", SHOWN_BATCHES), landing.history(conn, "rejected", SHOWN_BATCHES)

    loaded, rejected = await request.app.state.database.run(read)
    await portal.audit_view(request, person, "landing.batches", loaded=len(loaded), rejected=len(rejected))
    return portal.show(request, person, "ingest.html", "接入记录 Ingest history", loaded=loaded, rejected=rejected,
                       shown=SHOWN_BATCHES, when=when, tab="ingest")


async def quarantine(request: Request) -> Response:
    person = await require(request, Permission.QUALITY_ISSUE_VIEW, f"{PATH}issues")
    chosen = request.query_params.get("source") or None
    choices = [*SOURCES, *(f"bureau:{feed}" for feed in FEEDS)]
    if chosen is not None and chosen not in choices:
        raise Refusal(400, f"unknown source {chosen!r}: choose one of {', '.join(choices)}")
    rows = await request.app.state.database.run(lambda conn: list(islice(issues(conn, chosen), SHOWN_ISSUES + 1)))
    await portal.audit_view(request, person, "quarantine.issues", source=chosen or "", rows=len(rows))
    return portal.show(request, person, "issues.html", "隔离数据 Quarantine", rows=rows[:SHOWN_ISSUES],
                       more=len(rows) > SHOWN_ISSUES, shown=SHOWN_ISSUES, chosen=chosen, choices=choices,
                       tab="issues")


ROUTES = [
    Route(PATH, overview, methods=["GET"]),
    Route("/platform/manage", lambda _: RedirectResponse(PATH), methods=["GET"]),
    Route(f"{PATH}runs/{{run_id:str}}", run_page, methods=["GET"]),
    Route(f"{PATH}runs/{{run_id:str}}/rerun", rerun, methods=["POST"]),
    Route(f"{PATH}backfill", backfill, methods=["POST"]),
    Route(f"{PATH}freeze", freeze, methods=["POST"]),
    Route(f"{PATH}unfreeze", unfreeze, methods=["POST"]),
    Route(f"{PATH}ingest", ingest_history, methods=["GET"]),
    Route(f"{PATH}issues", quarantine, methods=["GET"]),
]
