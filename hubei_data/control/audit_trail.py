"""The audit trail in the warehouse: append an event to the chain, read the chain back, verify it.

Appends take turns on an advisory lock, so sequence numbers have no gaps a rollback could make:
a gap in the trail always means a deleted row. Text is stored as PostgreSQL can hold it (NUL
escaped, long text cut) before it is digested, so the row stored is the event digested.
"""

import datetime as dt
from typing import NamedTuple

import psycopg
from psycopg.types.json import Jsonb

from hubei_data.control import crypto
from hubei_data.control.audit_chain import (
    GENESIS, Action, AuditEvent, ChainRow, Outcome, Problem, ProblemKind, chain_digest, verify,
)
from hubei_data.storable import storable

class Actor(NamedTuple):
    """Who acts and from where (`cli@host (os user)`, `web@address`, `api@address`)."""

    name: str
    source: str


_COLUMNS = "seq, at, actor, source, action, target, outcome, detail, algorithm, previous_digest, digest"


def append(conn: psycopg.Connection, actor: str, source: str, action: Action, target: str, outcome: Outcome,
           detail: dict | None = None) -> int:
    """Add one event after the last and commit it; its sequence number."""
    event = AuditEvent(
        storable(actor), dt.datetime.now(dt.UTC), storable(source), action, storable(target), outcome,
        {storable(key, 100): storable(value) if isinstance(value, str) else value
         for key, value in (detail or {}).items()},
    )
    algorithm = crypto.profile().digest
    with conn.transaction():
        conn.execute("select pg_advisory_xact_lock(hashtext('hubei_data.audit_trail'))")
        last = conn.execute("select seq, digest from control.audit_trail order by seq desc limit 1").fetchone()
        seq, previous = (last[0] + 1, last[1]) if last else (1, GENESIS)
        conn.execute(
            f"insert into control.audit_trail ({_COLUMNS}) values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (seq, event.at, event.actor, event.source, event.action.value, event.target, event.outcome.value,
             Jsonb(dict(event.detail)), algorithm, previous, chain_digest(previous, event, algorithm)),
        )
    return seq


def check(conn: psycopg.Connection) -> tuple[int, list[Problem]]:
    """How many rows the trail holds, and every place its chain is broken."""
    rows, unreadable = [], []
    for seq, at, actor, source, action, target, outcome, detail, algorithm, previous, digest in conn.execute(
        f"select {_COLUMNS} from control.audit_trail order by seq"
    ):
        try:
            event = AuditEvent(actor, at, source, action, target, outcome, detail)
        except (ValueError, TypeError) as error:
            unreadable.append(Problem(seq, ProblemKind.EDITED, f"it is no longer a valid event ({error}): the row was edited"))
            event = None
        rows.append(ChainRow(seq, event, algorithm, previous, digest) if event else None)
    readable = [row for row in rows if row is not None]
    problems = [p for p in verify(readable) if p.seq not in {u.seq for u in unreadable}]
    return len(rows), sorted(problems + unreadable, key=lambda problem: problem.seq)
