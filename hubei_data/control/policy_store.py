"""The password policy in force: read from `control.settings`, changed only with an audit row."""

import datetime as dt

import psycopg
from psycopg.types.json import Jsonb
from pydantic import ValidationError

from hubei_data.control import audit_trail
from hubei_data.control.audit_chain import Action, Outcome
from hubei_data.control.passwords import PasswordPolicy

KEY = "password_policy"


class PolicyError(ValueError):
    """A policy change that is not a valid policy: the message says which rule and why."""


def load(conn: psycopg.Connection) -> PasswordPolicy:
    """The stored policy, or level 3's defaults before anyone changed it."""
    row = conn.execute("select value from control.settings where key = %s", (KEY,)).fetchone()
    return PasswordPolicy(**row[0]) if row else PasswordPolicy()


def change(conn: psycopg.Connection, actor: str, source: str, changes: dict[str, int]) -> PasswordPolicy:
    """Apply the changes to the policy in force and record who changed what; a refused change changes nothing."""
    before = load(conn)
    try:
        after = PasswordPolicy(**{**before.model_dump(), **changes})
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        audit_trail.append(conn, actor, source, Action.CONFIG_CHANGE, KEY, Outcome.FAILURE, {"refused": problems})
        raise PolicyError(problems) from None
    changed = {name: value for name, value in after.model_dump().items() if before.model_dump()[name] != value}
    with conn.transaction():
        conn.execute(
            "insert into control.settings (key, value, changed_at, changed_by) values (%s, %s, %s, %s)"
            " on conflict (key) do update set value = excluded.value, changed_at = excluded.changed_at,"
            " changed_by = excluded.changed_by",
            (KEY, Jsonb(after.model_dump()), dt.datetime.now(dt.UTC), actor),
        )
        audit_trail.append(conn, actor, source, Action.CONFIG_CHANGE, KEY, Outcome.SUCCESS,
                           {name: f"{before.model_dump()[name]} → {value}" for name, value in changed.items()})
    return after
