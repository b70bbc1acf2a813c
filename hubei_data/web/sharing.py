"""`/platform/sharing/`: 共享管理 — apply for a share dataset through the data API or into a front-end database,
decide applications, and follow one's shares with their pushes and calls.

Applications are the data API's own (`api.grants`, as `hubei-data api apply` records them); deciding them is
`grant.decide`, the security administrator's, as for `hubei-data api approve`: one operation, one permission.
Approving a front-end database application declares its subscription in the registry
(hubei_data.exchange.applications), which the next push of the reloaded definitions delivers."""

import datetime as dt

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from hubei_data import registry
from hubei_data.api import store
from hubei_data.api.spec import ApiSpec, specs
from hubei_data.catalog import lifecycle
from hubei_data.catalog.models import table_name
from hubei_data.catalog.share import DATASETS
from hubei_data.control.audit_trail import Actor
from hubei_data.control.permissions import Permission
from hubei_data.exchange import applications
from hubei_data.row_filter import OPERATORS
from hubei_data.web import portal
from hubei_data.web.csrf import checked_form
from hubei_data.web.refusal import Refusal
from hubei_data.web.session import identity, require, source

BASE = "/platform/sharing/"
CHANNELS = {"api": "数据接口 API", "front_end": "前置库 Front-end database"}
STATUS = {"pending": "待审批", "approved": "已批准", "rejected": "已驳回", "revoked": "已撤销"}
EXPIRING_DAYS = 30
LISTED_OPERATORS = tuple(op for op in OPERATORS if op not in ("is null", "is not null"))
LOG_ROWS = 50


def _registry() -> registry.Registry:
    return portal.declared("the registry does not load, so no application can be checked")


def _specs() -> dict[str, ApiSpec]:
    try:
        return specs(_registry())
    except registry.RegistryError as error:
        raise Refusal(503, f"the data APIs do not load, so no application can be checked: {error}") from None


def _apis(dataset: str) -> dict[str, ApiSpec]:
    """The wizard APIs answering from the share dataset, by name."""
    return {name: spec for name, spec in _specs().items()
            if spec.dataset is not None and table_name(spec.dataset) == dataset}


def _flag(share: dict, today: dt.date) -> str:
    """Expired or expiring (within 30 days) for an approved share; nothing otherwise."""
    if share["status"] != "approved":
        return ""
    if share["valid_until"] < today:
        return "expired"
    return "expiring" if (share["valid_until"] - today).days <= EXPIRING_DAYS else ""


# --- my shares / all shares -------------------------------------------------------------------------------------

async def shares(request: Request) -> Response:
    """Everyone's applications and grants for those who see all (grant.view); one's own for the others."""
    person = await identity(request)
    everyone = person.may(Permission.GRANT_VIEW)
    person = await require(request, Permission.GRANT_VIEW if everyone else Permission.GRANT_VIEW_OWN, BASE)
    rows = await request.app.state.database.run(store.grants, None, None if everyone else person.username)
    await portal.audit_view(request, person, "sharing applications", scope="all" if everyone else "own",
                            rows=len(rows))
    today = dt.date.today()
    return portal.show(request, person, "sharing_list.html", "共享管理 Sharing", shares=rows, everyone=everyone,
                       flags={share["grant_id"]: _flag(share, today) for share in rows}, channels=CHANNELS,
                       statuses=STATUS, may_apply=person.may(Permission.DATA_APPLY),
                       may_decide=person.may(Permission.GRANT_DECIDE))


async def share(request: Request) -> Response:
    """One application: its terms, its decision, and its pushes or calls; its applicant's or any for grant.view."""
    grant_id = _number(request)
    target = f"grant {grant_id}"
    person = await identity(request)
    everyone = person.may(Permission.GRANT_VIEW)
    person = await require(request, Permission.GRANT_VIEW if everyone else Permission.GRANT_VIEW_OWN, target)
    found = await request.app.state.database.run(store.application, grant_id)
    if found is None or not (everyone or found["applied_by"] == person.username):
        raise Refusal(404, f"no application {grant_id} of yours")
    pushes, calls = await request.app.state.database.run(_logs, found)
    await portal.audit_view(request, person, target, pushes=len(pushes), calls=len(calls))
    return portal.show(request, person, "sharing_share.html", f"共享申请 {grant_id}", share=found, pushes=pushes,
                       calls=calls, channels=CHANNELS, statuses=STATUS, flag=_flag(found, dt.date.today()),
                       dataset=DATASETS.get(found["dataset"] or ""),
                       may_decide=person.may(Permission.GRANT_DECIDE))


def _logs(conn, share: dict) -> tuple[list[tuple], list[tuple]]:
    """The share's latest pushes into the front-end database and calls of the data API."""
    subscription = (share["delivery"] or {}).get("subscription")
    pushes = conn.execute(
        "select started_at, finished_at, status, rows, duration_seconds, error from exchange.share_pushes"
        " where subscription_id = %s order by started_at desc, push_id desc limit %s", (subscription, LOG_ROWS),
    ).fetchall() if subscription else []
    calls = conn.execute(
        "select called_at, api, status, rows, latency_ms, error from api.calls where grant_id = %s"
        " order by called_at desc, call_id desc limit %s", (share["grant_id"], LOG_ROWS),
    ).fetchall()
    return pushes, calls


# --- apply --------------------------------------------------------------------------------------------------------

async def apply_form(request: Request) -> Response:
    """Choose a share dataset, then its fields, rows, period, channel and purpose."""
    person = await require(request, Permission.DATA_APPLY, BASE + "apply")
    chosen = request.query_params.get("dataset", "")
    if chosen and chosen not in DATASETS:
        raise Refusal(400, f"{chosen!r} is not a share dataset ({', '.join(DATASETS)})")
    return await _apply_page(request, person, chosen)


async def _apply_page(request: Request, person, chosen: str, status: int = 200, message: str = "",
                      entered: dict | None = None) -> Response:
    entries = {version.code: version.entry
               for version in await request.app.state.database.run(lifecycle.published_versions)}
    consumers = await request.app.state.database.run(store.consumers) if chosen else []
    today = dt.date.today()
    return portal.show(
        request, person, "sharing_apply.html", "申请共享 Apply", status, datasets=DATASETS, chosen=chosen,
        dataset=DATASETS.get(chosen), entry=entries.get(DATASETS[chosen].resource_code) if chosen else None,
        published=entries, apis=_apis(chosen) if chosen else {}, consumers=consumers, operators=LISTED_OPERATORS,
        channels=CHANNELS, message=message,
        entered=entered or {"valid_from": today.isoformat(), "valid_until": today.replace(year=today.year + 1)
                            .isoformat(), "fields": [item.name for item in DATASETS[chosen].items] if chosen else []},
    )


async def apply(request: Request) -> Response:
    """Record the application; bad terms (a negative-list field among them) are a 400 on the form saying why."""
    person = await require(request, Permission.DATA_APPLY, BASE + "apply")
    entered = await checked_form(request, lists=("fields",))
    chosen = entered.get("dataset", "")
    if chosen not in DATASETS:
        raise Refusal(400, f"choose a share dataset ({', '.join(DATASETS)})")
    try:
        grant_id = await request.app.state.database.run(_record, person.username, entered)
    except store.ApiAdminError as refusal:
        return await _apply_page(request, person, chosen, 400, str(refusal), entered)
    return RedirectResponse(f"{BASE}{grant_id}", status_code=303)


def _record(conn, applicant: str, entered: dict) -> int:
    dataset, channel = entered["dataset"], entered.get("channel", "")
    fields = [field for field in entered.get("fields", []) if field]
    if not fields:
        raise store.ApiAdminError("choose at least one field")
    row_scope = _scope(entered)
    valid_from, valid_until = _date(entered, "valid_from"), _date(entered, "valid_until")
    purpose = entered.get("purpose", "")
    store.check_application(purpose, valid_from, valid_until)
    breaches = applications.negative_breaches(dataset, fields)
    if breaches:
        raise store.ApiAdminError("refused by the negative list (负面清单): " + "; ".join(breaches))
    if channel == "api":
        spec = _apis(dataset).get(entered.get("api", ""))
        if spec is None:
            raise store.ApiAdminError(f"choose a data API answering {dataset} ({', '.join(_apis(dataset)) or 'none'})")
        app_key = entered.get("app_key", "")
        if not any(consumer["app_key"] == app_key for consumer in store.consumers(conn)):
            raise store.ApiAdminError("choose the consumer application (接入应用) the grant is for")
        store.check_terms(spec, fields, row_scope)
        return store.apply(conn, app_key, spec.name, purpose, valid_from, valid_until, fields, row_scope, applicant,
                           dataset)
    if channel == "front_end":
        delivery = {"url_env": entered.get("url_env", "").strip(), "table": entered.get("table", "").strip()}
        asked = {"grant_id": 0, "department": entered.get("department", ""), "purpose": purpose, "dataset": dataset,
                 "fields": fields, "row_scope": row_scope, "valid_from": valid_from, "valid_until": valid_until,
                 "delivery": delivery}
        applications.check(applications.declaration(asked))
        return store.apply_front_end(conn, applicant, asked["department"], dataset, fields, row_scope, purpose,
                                     valid_from, valid_until, delivery)
    raise store.ApiAdminError("choose a channel: 数据接口 API or 前置库 front-end database")


def _scope(entered: dict) -> list[dict]:
    """The row scope (口径): one condition on a field, or none; lists comma-separated."""
    field, op, value = (entered.get(name, "").strip() for name in ("scope_field", "scope_op", "scope_value"))
    if not field:
        return []
    if op in ("in", "not in", "between"):
        return [{"field": field, "op": op, "value": [part.strip() for part in value.split(",") if part.strip()]}]
    return [{"field": field, "op": op, "value": value}]


def _date(entered: dict, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(entered.get(name, ""))
    except ValueError:
        raise store.ApiAdminError(f"{name}: give a date as YYYY-MM-DD") from None


# --- review -------------------------------------------------------------------------------------------------------

async def review(request: Request) -> Response:
    """One application for its approver: the request, the catalog entry, the three lists and the decision."""
    grant_id = _number(request)
    person = await require(request, Permission.GRANT_DECIDE, f"grant {grant_id}")
    return await _review_page(request, person, grant_id)


async def _review_page(request: Request, person, grant_id: int, status: int = 200, message: str = "") -> Response:
    found = await request.app.state.database.run(store.application, grant_id)
    if found is None:
        raise Refusal(404, f"no application {grant_id}")
    dataset = DATASETS.get(found["dataset"] or "")
    entries = {version.code: version.entry
               for version in await request.app.state.database.run(lifecycle.published_versions)}
    declared = _registry()
    code = dataset.resource_code if dataset else None
    duties = {key: duty for key, duty in declared.lists["responsibilities"].entries.items() if code in duty.catalog}
    demands = {key: demand for key, demand in declared.lists["demands"].entries.items() if code in demand.catalog}
    breaches = applications.negative_breaches(found["dataset"], found["fields"] or []) if dataset else []
    await portal.audit_view(request, person, f"grant {grant_id}", page="review")
    return portal.show(request, person, "sharing_review.html", f"审批共享申请 {grant_id}", status, share=found,
                       dataset=dataset, entry=entries.get(code), duties=duties, demands=demands, breaches=breaches,
                       channels=CHANNELS, statuses=STATUS, message=message)


async def decide(request: Request) -> Response:
    """Approve (creating the grant or the subscription) or reject, with a comment; audited as grant_decision."""
    grant_id = _number(request)
    person = await require(request, Permission.GRANT_DECIDE, f"grant {grant_id}")
    entered = await checked_form(request)
    decision, comment = entered.get("decision", ""), entered.get("comment", "").strip()
    if decision not in ("approve", "reject"):
        raise Refusal(400, "decide approve or reject")
    by = Actor(person.username, source(request))
    try:
        await request.app.state.database.run(_decided, grant_id, decision, comment, by)
    except store.UnknownGrant as unknown:
        raise Refusal(404, str(unknown)) from None
    except store.ApiAdminError as refusal:
        return await _review_page(request, person, grant_id, 400, str(refusal))
    return RedirectResponse(f"{BASE}{grant_id}", status_code=303)


def _decided(conn, grant_id: int, decision: str, comment: str, by: Actor) -> None:
    if decision == "reject":
        store.reject(conn, grant_id, by, comment)
        return
    found = store.application(conn, grant_id)
    if found is None:
        raise store.UnknownGrant(f"no application {grant_id}")
    if found["channel"] == "front_end":
        store.approve_delivery(conn, grant_id, by, lambda application: applications.declare(application, by.name),
                               comment)
    else:
        spec = _specs().get(found["api"])
        if spec is None:
            raise store.ApiAdminError(f"the data API {found['api']} is no longer defined")
        store.approve(conn, grant_id, spec, by, found["fields"], found["row_scope"], note=comment)


async def revoke(request: Request) -> Response:
    """End an approved share at once: the API grant refused from its next call, the subscription withdrawn."""
    grant_id = _number(request)
    person = await require(request, Permission.GRANT_DECIDE, f"grant {grant_id}")
    comment = (await checked_form(request)).get("comment", "").strip()
    by = Actor(person.username, source(request))
    try:
        await request.app.state.database.run(_revoked, grant_id, comment, by)
    except store.UnknownGrant as unknown:
        raise Refusal(404, str(unknown)) from None
    except store.ApiAdminError as refusal:
        raise Refusal(409, str(refusal)) from None
    return RedirectResponse(f"{BASE}{grant_id}", status_code=303)


def _revoked(conn, grant_id: int, comment: str, by: Actor) -> None:
    found = store.application(conn, grant_id)
    if found is not None and found["channel"] == "front_end":
        store.revoke_delivery(conn, grant_id, by, applications.withdraw, comment)
    else:
        store.revoke(conn, grant_id, by, comment)


def _number(request: Request) -> int:
    return request.path_params["grant_id"]


ROUTES = [
    Route(BASE, shares, methods=["GET"]),
    Route(BASE.rstrip("/"), lambda _: RedirectResponse(BASE), methods=["GET"]),
    Route(BASE + "apply", apply_form, methods=["GET"]),
    Route(BASE + "apply", apply, methods=["POST"]),
    Route(BASE + "{grant_id:int}", share, methods=["GET"]),
    Route(BASE + "{grant_id:int}/review", review, methods=["GET"]),
    Route(BASE + "{grant_id:int}/review", decide, methods=["POST"]),
    Route(BASE + "{grant_id:int}/revoke", revoke, methods=["POST"]),
]
