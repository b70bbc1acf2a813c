"""Consumers, their grants and the call log, in the warehouse's `api` schema."""

import datetime as dt
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from psycopg.types.json import Jsonb

from hubei_data.api.spec import ApiSpec
from hubei_data.api.vault import Vault
from hubei_data.control import audit_trail
from hubei_data.control.audit_chain import Action, Outcome
from hubei_data.control.audit_trail import Actor
from hubei_data.row_filter import Condition, parse_condition

T = TypeVar("T")

GRANT_CHANNEL = "api_grants"


class ApiAdminError(Exception):
    """An administrative request that cannot be done as asked: what and why."""


class UnknownGrant(ApiAdminError, LookupError):
    """No grant has that number."""


@dataclass(frozen=True)
class Grant:
    """An approved grant as the service applies it."""

    grant_id: int
    app_key: str
    api: str
    valid_from: dt.date
    valid_until: dt.date
    fields: tuple[str, ...] | None
    row_scope: tuple[Condition, ...]
    allow_personal: bool
    rate_per_minute: int


def create_consumer(conn, vault: Vault, name: str, department: str, by: Actor) -> tuple[str, str]:
    """A new consumer application: its app key and secret, the secret shown this once."""
    app_key, secret = f"hd_{secrets.token_hex(8)}", secrets.token_urlsafe(32)
    conn.execute(
        "insert into api.consumers (app_key, name, department, secret_encrypted) values (%s, %s, %s, %s)",
        (app_key, name, department, vault.encrypt(secret)),
    )
    audit_trail.append(conn, by.name, by.source, Action.CONFIG_CHANGE, f"consumer {app_key}", Outcome.SUCCESS,
                       {"change": "created", "name": name, "department": department})
    conn.execute(f"notify {GRANT_CHANNEL}")
    conn.commit()
    return app_key, secret


def apply(conn, app_key: str, api: str, purpose: str, valid_from: dt.date, valid_until: dt.date,
          fields: list[str] | None = None, row_scope: list[dict] | None = None, applied_by: str | None = None,
          dataset: str | None = None) -> int:
    """A consumer's application for an API: pending until an administrator decides; `fields` and `row_scope` are
    what was asked for, `applied_by` the person who applied for the consumer."""
    check_application(purpose, valid_from, valid_until)
    grant_id = conn.execute(
        "insert into api.grants (app_key, api, purpose, valid_from, valid_until, fields, row_scope, applied_by,"
        " dataset) values (%s, %s, %s, %s, %s, %s, %s, %s, %s) returning grant_id",
        (app_key, api, purpose, valid_from, valid_until, fields, Jsonb(row_scope or []), applied_by, dataset),
    ).fetchone()[0]
    conn.commit()
    return grant_id


def apply_front_end(conn, applied_by: str, department: str, dataset: str, fields: list[str], row_scope: list[dict],
                    purpose: str, valid_from: dt.date, valid_until: dt.date, delivery: dict) -> int:
    """A department's application for a share dataset pushed into its front-end database (前置库): pending until
    an administrator decides; `delivery` names the target's URL variable, table and mode."""
    check_application(purpose, valid_from, valid_until)
    if not department.strip():
        raise ApiAdminError("an application names the department that receives the data")
    grant_id = conn.execute(
        "insert into api.grants (channel, department, dataset, fields, row_scope, purpose, valid_from, valid_until,"
        " applied_by, delivery) values ('front_end', %s, %s, %s, %s, %s, %s, %s, %s, %s) returning grant_id",
        (department.strip(), dataset, fields, Jsonb(row_scope), purpose, valid_from, valid_until, applied_by,
         Jsonb(delivery)),
    ).fetchone()[0]
    conn.commit()
    return grant_id


def check_application(purpose: str, valid_from: dt.date, valid_until: dt.date) -> None:
    """An application's period and purpose, as either channel needs them."""
    if valid_until < valid_from:
        raise ApiAdminError(f"the period ends ({valid_until}) before it starts ({valid_from})")
    if not purpose.strip():
        raise ApiAdminError("an application states its purpose")


def check_terms(spec: ApiSpec, fields: list[str] | None, row_scope: list[dict] | None,
                rate_per_minute: int = 60) -> None:
    """The fields, rows and rate of a grant of `spec`, checked against the API; an ApiAdminError saying what not."""
    strangers = sorted(set(fields or ()) - set(spec.fields))
    if strangers:
        raise ApiAdminError(
            f"fields not answered by {spec.name}: {', '.join(strangers)} (it answers {', '.join(spec.fields)})")
    if row_scope and spec.dataset is None:
        raise ApiAdminError(f"{spec.name} is a SQL-mode API: its rows are fixed by its query, not by a row scope")
    scope_conditions(spec, row_scope or [])
    if rate_per_minute < 1:
        raise ApiAdminError("the rate limit is at least one call a minute")


def approve(conn, grant_id: int, spec: ApiSpec, by: Actor, fields: list[str] | None = None,
            row_scope: list[dict] | None = None, allow_personal: bool = False, rate_per_minute: int = 60,
            note: str = "") -> None:
    """Approve a pending grant, fixing the fields and rows it sees; checked against the API first."""
    try:
        check_terms(spec, fields, row_scope, rate_per_minute)
    except ApiAdminError as refusal:
        _refused(conn, grant_id, "approved", by, refusal)
    _decide(conn, grant_id, "approved", by, ("pending", "approved"),
            fields=fields, row_scope=Jsonb(row_scope or []), allow_personal=allow_personal,
            rate_per_minute=rate_per_minute, note=note or None)


def approve_delivery(conn, grant_id: int, by: Actor, declare: Callable[[dict], dict], note: str = "") -> None:
    """Approve a pending front-end database application: `declare(application)` declares its subscription, or
    raises an ApiAdminError saying why it cannot, and returns the delivery as declared, recorded with the decision."""
    delivery = _front_end(conn, grant_id, "approved", by, ("pending",), declare)
    _decide(conn, grant_id, "approved", by, ("pending",), delivery=Jsonb(delivery), note=note or None)


def reject(conn, grant_id: int, by: Actor, note: str = "") -> None:
    _decide(conn, grant_id, "rejected", by, ("pending",), note=note)


def revoke(conn, grant_id: int, by: Actor, note: str = "") -> None:
    """Takes effect at once: the service hears of it and drops the grant before its next call."""
    found = application(conn, grant_id)
    if found is not None and found["channel"] == "front_end":
        _refused(conn, grant_id, "revoked", by, ApiAdminError(
            f"grant {grant_id} delivers into a front-end database: revoke it in the portal (共享管理), which withdraws"
            " its subscription"))
    _decide(conn, grant_id, "revoked", by, ("approved",), note=note)


def revoke_delivery(conn, grant_id: int, by: Actor, withdraw: Callable[[dict], None], note: str = "") -> None:
    """Revoke an approved front-end database grant: `withdraw(application)` takes its subscription out of the
    registry, so no later push delivers it."""
    _front_end(conn, grant_id, "revoked", by, ("approved",), withdraw)
    _decide(conn, grant_id, "revoked", by, ("approved",), note=note)


def _front_end(conn, grant_id: int, decision: str, by: Actor, allowed_from: tuple[str, ...],
               act: Callable[[dict], T]) -> T:
    """`act(application)` on the front-end database application when its status is one `allowed_from`; the
    refusal, with its audit row for the `decision`, otherwise."""
    found = application(conn, grant_id)
    try:
        if found is None or found["channel"] != "front_end":
            raise UnknownGrant(f"no front-end database application {grant_id}")
        if found["status"] not in allowed_from:
            raise _undecidable(grant_id, found["status"], allowed_from, decision)
        return act(found)
    except ApiAdminError as refusal:
        _refused(conn, grant_id, decision, by, refusal)


def _undecidable(grant_id: int, status: str, allowed_from: tuple[str, ...], decision: str) -> ApiAdminError:
    wanted = " or ".join(allowed_from)
    article = "an" if wanted[0] in "aeiou" else "a"
    return ApiAdminError(f"grant {grant_id} is {status}; only {article} {wanted} one can be {decision}")


def _decide(conn, grant_id: int, status: str, by: Actor, allowed_from: tuple[str, ...], **values) -> None:
    """Record the decision and its audit row together; a decision that cannot be made gets its audit row too."""
    row = conn.execute("select status from api.grants where grant_id = %s for update", (grant_id,)).fetchone()
    if row is None:
        _refused(conn, grant_id, status, by, UnknownGrant(f"no grant {grant_id}"))
    if row[0] not in allowed_from:
        _refused(conn, grant_id, status, by, _undecidable(grant_id, row[0], allowed_from, status))
    assignments = ", ".join(f"{k} = %({k})s" for k in values)
    conn.execute(
        f"update api.grants set status = %(status)s, decided_at = now(), decided_by = %(by)s"
        f"{', ' if assignments else ''}{assignments} where grant_id = %(grant_id)s",
        {"status": status, "by": by.name, "grant_id": grant_id, **values},
    )
    audit_trail.append(conn, by.name, by.source, Action.GRANT_DECISION, f"grant {grant_id}", Outcome.SUCCESS,
                       {"decision": status, **{k: json.dumps(getattr(v, "obj", v), ensure_ascii=False, default=str)
                                                for k, v in values.items()}})
    conn.execute(f"notify {GRANT_CHANNEL}")
    conn.commit()


def _refused(conn, grant_id: int, status: str, by: Actor, refusal: ApiAdminError):
    conn.rollback()
    audit_trail.append(conn, by.name, by.source, Action.GRANT_DECISION, f"grant {grant_id}", Outcome.FAILURE,
                       {"decision": status, "refused": str(refusal)})
    raise refusal


def scope_conditions(spec: ApiSpec, row_scope: list[dict]) -> tuple[Condition, ...]:
    """A grant's row scope as conditions over the API's dataset."""
    if not isinstance(row_scope, list):
        raise ApiAdminError("a row scope is a list of conditions")
    items = {i.name: i for i in spec.dataset.items} if spec.dataset else {}

    def fail(message: str):
        raise ApiAdminError(f"row scope: {message}")

    return tuple(parse_condition(c, items, fail) for c in row_scope)


_APPLICATIONS = (
    "select g.grant_id, g.channel, g.app_key, c.name as consumer, coalesce(g.department, c.department) as department,"
    " g.api, g.dataset, g.purpose, g.valid_from, g.valid_until, g.status, g.fields, g.row_scope, g.allow_personal,"
    " g.rate_per_minute, g.delivery, g.applied_by, g.applied_at, g.decided_at, g.decided_by, g.note"
    " from api.grants g left join api.consumers c using (app_key)"
)


def grants(conn, status: str | None = None, applied_by: str | None = None) -> list[dict]:
    """Every application and grant of either channel with its consumer or department, newest first; only those
    `applied_by` a person when given."""
    rows = conn.execute(
        _APPLICATIONS + " where (%(status)s::text is null or g.status = %(status)s)"
        " and (%(by)s::text is null or g.applied_by = %(by)s) order by g.grant_id desc",
        {"status": status, "by": applied_by},
    )
    names = [d.name for d in rows.description]
    return [dict(zip(names, r)) for r in rows.fetchall()]


def application(conn, grant_id: int) -> dict | None:
    """One application or grant as `grants` lists it, or None."""
    rows = conn.execute(_APPLICATIONS + " where g.grant_id = %s", (grant_id,))
    names = [d.name for d in rows.description]
    row = rows.fetchone()
    return dict(zip(names, row)) if row else None


def consumers(conn) -> list[dict]:
    rows = conn.execute("select app_key, name, department, created_at from api.consumers order by created_at")
    return [dict(zip(("app_key", "name", "department", "created_at"), r)) for r in rows.fetchall()]


def approved_grants(conn, specs: dict[str, ApiSpec]) -> dict[tuple[str, str], Grant]:
    """Approved grants by (app key, API), as the service caches them."""
    found = {}
    for row in conn.execute(
        "select grant_id, app_key, api, valid_from, valid_until, fields, row_scope, allow_personal, rate_per_minute"
        " from api.grants where status = 'approved' order by grant_id"
    ).fetchall():
        spec = specs.get(row[2])
        if spec is None:
            continue
        scope = row[6] if isinstance(row[6], list) else json.loads(row[6])
        found[(row[1], row[2])] = Grant(row[0], row[1], row[2], row[3], row[4],
                                        tuple(row[5]) if row[5] is not None else None,
                                        scope_conditions(spec, scope), row[7], row[8])
    return found
