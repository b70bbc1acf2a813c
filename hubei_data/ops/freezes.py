"""Freezes (冻结): an operator stops one asset, bureau feed or subscription, saying why, until it is unfrozen.

A freeze is a row of `ops.freezes` with no `unfrozen_at`; unfreezing closes the row, so the table is the
history and the open rows are what is in force. Schedules and sensors skip what is frozen (freeze_guard.py),
pushes refuse to send, and every freeze and unfreeze, done or refused, is in the audit trail with who did it.
"""

import datetime as dt
import difflib
from dataclasses import dataclass
from typing import Literal, get_args

import psycopg

from hubei_data.control import audit_trail
from hubei_data.control.audit_chain import Action, Outcome

Kind = Literal["asset", "feed", "subscription"]
KINDS: tuple[str, ...] = get_args(Kind)


class FreezeError(ValueError):
    """A freeze or unfreeze that cannot be done: an unknown name, a thing already frozen or not frozen."""


class Frozen(RuntimeError):
    """Work asked of a frozen thing: it does nothing, naming who froze it and why."""


@dataclass(frozen=True)
class Freeze:
    kind: str
    name: str
    reason: str
    frozen_by: str
    frozen_at: dt.datetime
    unfrozen_by: str | None = None
    unfrozen_at: dt.datetime | None = None

    @property
    def subject(self) -> str:
        return f"{self.kind} {self.name}"

    def describe(self) -> str:
        return f"frozen by {self.frozen_by} at {self.frozen_at:%Y-%m-%d %H:%M %Z}: {self.reason}"

    def refusal(self) -> Frozen:
        return Frozen(f"{self.describe()}; `hubei-data unfreeze {self.kind} {self.name}` lets it act again")


_COLUMNS = "kind, name, reason, frozen_by, frozen_at, unfrozen_by, unfrozen_at"


def frozen(conn: psycopg.Connection) -> dict[tuple[str, str], Freeze]:
    """What is frozen now, by (kind, name)."""
    rows = conn.execute(f"select {_COLUMNS} from ops.freezes where unfrozen_at is null order by frozen_at").fetchall()
    return {(row[0], row[1]): Freeze(*row) for row in rows}


def history(conn: psycopg.Connection, limit: int) -> list[Freeze]:
    """Freezes in force and released, the newest first."""
    rows = conn.execute(f"select {_COLUMNS} from ops.freezes order by frozen_at desc, freeze_id desc limit %s",
                        (limit,)).fetchall()
    return [Freeze(*row) for row in rows]


def refuse_if_frozen(conn: psycopg.Connection, kind: Kind, name: str) -> None:
    """Raise `Frozen` when the thing is frozen: the check work makes before it acts."""
    row = conn.execute(f"select {_COLUMNS} from ops.freezes where kind = %s and name = %s and unfrozen_at is null",
                       (kind, name)).fetchone()
    if row:
        raise Freeze(*row).refusal()


def known_names(kind: Kind) -> list[str]:
    """Every name of that kind the platform defines: asset keys as the UI writes them, feeds, subscriptions."""
    if kind == "feed":
        from hubei_data.exchange.feeds import FEEDS

        return list(FEEDS)
    if kind == "subscription":
        from hubei_data.exchange.subscription import load_subscriptions

        return [subscription.id for subscription in load_subscriptions()]
    from hubei_data import runner

    return sorted(key.to_user_string() for key in runner.definitions().resolve_asset_graph().materializable_asset_keys)


def freeze(conn: psycopg.Connection, actor: audit_trail.Actor, kind: Kind, name: str, reason: str) -> Freeze:
    """Freeze a thing the platform defines, recording it and its audit row together."""
    try:
        known = known_names(kind)
        if name not in known:
            raise FreezeError(_unknown(kind, name, known))
        if not reason.strip():
            raise FreezeError("say why with --reason: it is shown wherever the freeze stops something")
        with conn.transaction():
            row = conn.execute(
                f"insert into ops.freezes (kind, name, reason, frozen_by) values (%s, %s, %s, %s)"
                f" on conflict (kind, name) where unfrozen_at is null do nothing returning {_COLUMNS}",
                (kind, name, reason.strip(), actor.name),
            ).fetchone()
            if row is None:
                raise FreezeError(f"{kind} {name} is already {frozen(conn)[(kind, name)].describe()}")
            audit_trail.append(conn, actor.name, actor.source, Action.CONFIG_CHANGE, f"{kind} {name}",
                               Outcome.SUCCESS, {"change": "freeze", "reason": reason.strip()})
    except FreezeError as error:
        _refused(conn, actor, kind, name, "freeze", error)
        raise
    return Freeze(*row)


def unfreeze(conn: psycopg.Connection, actor: audit_trail.Actor, kind: Kind, name: str) -> Freeze:
    """Release a freeze in force; what was frozen acts again at its next schedule or sensor tick."""
    try:
        with conn.transaction():
            row = conn.execute(
                f"update ops.freezes set unfrozen_by = %s, unfrozen_at = now()"
                f" where kind = %s and name = %s and unfrozen_at is null returning {_COLUMNS}",
                (actor.name, kind, name),
            ).fetchone()
            if row is None:
                now = ", ".join(freeze.subject for freeze in frozen(conn).values()) or "nothing"
                raise FreezeError(f"{kind} {name} is not frozen (frozen now: {now})")
            audit_trail.append(conn, actor.name, actor.source, Action.CONFIG_CHANGE, f"{kind} {name}",
                               Outcome.SUCCESS, {"change": "unfreeze", "was_frozen_by": row[3]})
    except FreezeError as error:
        _refused(conn, actor, kind, name, "unfreeze", error)
        raise
    return Freeze(*row)


def _refused(conn, actor: audit_trail.Actor, kind: str, name: str, change: str, error: FreezeError) -> None:
    audit_trail.append(conn, actor.name, actor.source, Action.CONFIG_CHANGE, f"{kind} {name}", Outcome.FAILURE,
                       {"change": change, "error": str(error)})


def _unknown(kind: str, name: str, known: list[str]) -> str:
    """The refusal of an unknown name, naming what exists: every feed or subscription; for assets, the near
    names and the other assets of the group named, or else the groups."""
    if kind != "asset":
        return f"there is no {kind} {name!r}; the {kind}s are: {', '.join(known) or 'none'}"
    close = difflib.get_close_matches(name, known, n=3)
    group = name.rpartition("/")[0]
    in_group = [key for key in known if key.rpartition("/")[0] == group]
    groups = sorted({key.rpartition("/")[0] for key in known})
    message = f"there is no asset {name!r}" + (f"; did you mean {', '.join(close)}?" if close else "")
    if in_group:
        return f"{message} (the assets of {group}/ are: {', '.join(in_group)})"
    return f"{message} (assets are named group/name, the groups being: {', '.join(groups)})"
