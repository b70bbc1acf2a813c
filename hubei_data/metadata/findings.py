"""Drift findings (ops.schema_drift): one per distinct difference a source shows, open until it matches again.

A source's system table is one thing, whether a harvest or a daily extract looked at it (channel `table`): a new
difference there resolves the one before, and a look that finds it like the contract resolves it. Its files may
come from several senders at once, each with its layout: each distinct difference of its files stays open beside
the others, and a file matching the contract resolves those not seen for a day (QUIET), so files alternating
between two layouts do not open and close a finding with every file. The same difference seen again only marks
when and where it was last seen, and one resolved before is reopened rather than found twice.
"""

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

import psycopg
from psycopg.types.json import Jsonb

from hubei_data.contracts import Source
from hubei_data.metadata.drift import Drift

QUIET = dt.timedelta(days=1)
TABLE, FILE = "table", "file"
_COLUMNS = ("finding_id, source, system, channel, observed_in, diff, breaking, found_at, last_seen_at, last_seen_in,"
            " resolved_at, resolved_in")


class UnknownFinding(LookupError):
    """A finding number that is not one."""


@dataclass(frozen=True)
class Finding:
    """One finding: where the difference was first and last seen, the diff (a list of Drift dicts), whether it
    breaks landing, and when and by what observation it was resolved."""

    finding_id: int
    source: str
    system: str
    channel: str
    observed_in: str
    diff: list[dict]
    breaking: bool
    found_at: dt.datetime
    last_seen_at: dt.datetime
    last_seen_in: str
    resolved_at: dt.datetime | None
    resolved_in: str | None

    def summary(self) -> str:
        return "; ".join(Drift(**drift).describe() for drift in self.diff)


@dataclass(frozen=True)
class Observed:
    """What one observation did: the finding it opened (or reopened), or the one it saw again, and the findings
    it resolved."""

    opened: Finding | None
    still: Finding | None
    resolved: list[int]


def observe(conn: psycopg.Connection, source: Source, channel: str, observed_in: str,
            drifts: list[Drift]) -> Observed:
    """Record one observation of the source through the channel against its contract."""
    diff = [drift.as_dict() for drift in drifts]
    digest = hashlib.sha256(json.dumps(diff, ensure_ascii=False, sort_keys=True).encode()).hexdigest()
    with conn.transaction():
        conn.execute("select pg_advisory_xact_lock(hashtext('hubei_data.schema_drift:' || %s || ':' || %s))",
                     (source.name, channel))
        known = dict(conn.execute("select digest, finding_id from ops.schema_drift"
                                  " where source = %s and channel = %s and resolved_at is null",
                                  (source.name, channel)).fetchall())
        if drifts and digest in known:
            conn.execute("update ops.schema_drift set last_seen_at = now(), last_seen_in = %s where finding_id = %s",
                         (observed_in, known[digest]))
            return Observed(None, find(conn, known[digest]), [])
        ending = sorted(known.values()) if channel == TABLE or not drifts else []
        resolved = [finding_id for (finding_id,) in conn.execute(
            "update ops.schema_drift set resolved_at = now(), resolved_in = %s where finding_id = any(%s)"
            " and (channel = %s or last_seen_at <= now() - %s) returning finding_id",
            (observed_in, ending, TABLE, QUIET))]
        if not drifts:
            return Observed(None, None, resolved)
        opened = conn.execute(
            "insert into ops.schema_drift (source, system, channel, observed_in, diff, digest, breaking, last_seen_in)"
            " values (%s, %s, %s, %s, %s, %s, %s, %s) on conflict (source, channel, digest) do update"
            " set resolved_at = null, resolved_in = null, last_seen_at = now(), last_seen_in = excluded.last_seen_in"
            " returning finding_id",
            (source.name, source.system_code, channel, observed_in, Jsonb(diff), digest,
             any(drift.breaking for drift in drifts), observed_in)).fetchone()[0]
    return Observed(find(conn, opened), None, resolved)


def find(conn: psycopg.Connection, finding_id: int) -> Finding:
    row = conn.execute(f"select {_COLUMNS} from ops.schema_drift where finding_id = %s", (finding_id,)).fetchone()
    if row is None:
        raise UnknownFinding(f"no drift finding {finding_id}: `hubei-data drift list --all` lists them")
    return Finding(*row)


def listed(conn: psycopg.Connection, resolved_too: bool = False, source: str | None = None) -> list[Finding]:
    """Open findings, oldest first; with `resolved_too` every finding; only the source's when one is named."""
    return [Finding(*row) for row in conn.execute(
        f"select {_COLUMNS} from ops.schema_drift where (%s or resolved_at is null)"
        " and (%s::text is null or source = %s) order by finding_id", (resolved_too, source, source))]
