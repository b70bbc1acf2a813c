"""Catalog lifecycle (目录登记、变更、审核): an entry is registered or changed as a draft, submitted, and approved
or rejected by a data steward; only the approved version is published.

Every version stays in `control.catalog_versions` and every step in `control.catalog_steps`; each step, done
or refused, is also in the audit trail. A step either happens whole, its audit row with it, or not at all.
"""

import datetime as dt
from dataclasses import dataclass

import psycopg
from psycopg.types.json import Jsonb

from hubei_data.catalog.entry import Entry, EntryError, diff
from hubei_data.catalog.linkage import require_linked
from hubei_data.control import audit_trail
from hubei_data.control.audit_chain import Action, Outcome

FIRST_PUBLISHED = "代码中声明的目录条目，作为首个发布版本"
OPEN = ("draft", "submitted")


@dataclass(frozen=True)
class Version:
    code: str
    version: int
    status: str
    entry: Entry


@dataclass(frozen=True)
class Step:
    version: int
    step: str
    actor: str
    at: dt.datetime
    comment: str | None


def publish_declared(conn: psycopg.Connection, actor: str) -> int:
    """Publish, as version 1, each entry the code declares that the catalog does not hold yet; how many."""
    from hubei_data.catalog.declared import declared_entries

    held = {code for (code,) in conn.execute("select code from control.catalog_versions")}
    new = [entry for code, entry in declared_entries().items() if code not in held]
    for entry in new:
        _insert(conn, entry, 1, "published")
        _step(conn, entry.code, 1, "registered", actor, None)
        _step(conn, entry.code, 1, "approved", actor, FIRST_PUBLISHED)
    return len(new)


def register(conn: psycopg.Connection, actor: audit_trail.Actor, entry: Entry) -> Version:
    """A new entry as a draft (version 1), its data items checked against what it hangs on."""
    def step():
        if _versions(conn, entry.code):
            raise EntryError(f"{entry.code} is already in the catalog: change it with `hubei-data catalog change`")
        require_linked(conn, entry)
        _insert(conn, entry, 1, "draft")
        _step(conn, entry.code, 1, "registered", actor.name, None)
        return Version(entry.code, 1, "draft", entry), {"version": 1}

    return _audited(conn, actor, "register", entry.code, step)


def change(conn: psycopg.Connection, actor: audit_trail.Actor, entry: Entry) -> tuple[Version, dict]:
    """A new draft version of an entry (or the open draft rewritten), with its diff against the published one."""
    def step():
        held = _versions(conn, entry.code)
        if not held:
            raise EntryError(f"there is no catalog entry {entry.code}: register it with `hubei-data catalog register`")
        latest = held[-1]
        if latest.status == "submitted":
            raise EntryError(f"{entry.code}: version {latest.version} is submitted for review; it is approved or"
                             " rejected before the entry changes again")
        require_linked(conn, entry)
        if latest.status == "draft":
            number = latest.version
            conn.execute("update control.catalog_versions set entry = %s, kind = %s, target = %s"
                         " where code = %s and version = %s",
                         (Jsonb(entry.model_dump()), entry.kind, entry.target, entry.code, number))
        else:
            number = latest.version + 1
            _insert(conn, entry, number, "draft")
        _step(conn, entry.code, number, "changed", actor.name, None)
        changes = diff(_published(held), entry)
        return (Version(entry.code, number, "draft", entry), changes), {"version": number, **_summary(changes)}

    return _audited(conn, actor, "change", entry.code, step)


def submit(conn: psycopg.Connection, actor: audit_trail.Actor, code: str) -> Version:
    """Send the entry's draft for review."""
    def step():
        latest = _latest(conn, code)
        if latest.status != "draft":
            raise EntryError(f"{code}: version {latest.version} is {latest.status}, not a draft to submit")
        _set_status(conn, latest, "submitted")
        _step(conn, code, latest.version, "submitted", actor.name, None)
        return Version(code, latest.version, "submitted", latest.entry), {"version": latest.version}

    return _audited(conn, actor, "submit", code, step)


def decide(conn: psycopg.Connection, actor: audit_trail.Actor, code: str, approve: bool, comment: str) -> Version:
    """Approve (publish) or reject the submitted version, with the reviewer's comment; the one who submitted it
    may not decide it, so every published version passed two people."""
    change_name = "approve" if approve else "reject"

    def step():
        if not comment.strip():
            raise EntryError(f"{code}: say why with --comment: the decision keeps it")
        latest = _latest(conn, code)
        if latest.status == "draft":
            raise EntryError(f"{code}: version {latest.version} is a draft that was never submitted:"
                             f" `hubei-data catalog submit {code}` sends it for review")
        if latest.status != "submitted":
            raise EntryError(f"{code}: nothing waits for review (version {latest.version} is {latest.status})")
        submitter = conn.execute(
            "select actor from control.catalog_steps where code = %s and version = %s and step = 'submitted'"
            " order by step_id desc limit 1", (code, latest.version)).fetchone()[0]
        if submitter == actor.name:
            raise EntryError(f"{code}: {actor.name} submitted version {latest.version} and may not also"
                             f" {change_name} it: another data steward reviews it")
        status = "published" if approve else "rejected"
        if approve:
            conn.execute("update control.catalog_versions set status = 'superseded'"
                         " where code = %s and status = 'published'", (code,))
        _set_status(conn, latest, status)
        _step(conn, code, latest.version, "approved" if approve else "rejected", actor.name, comment.strip())
        return Version(code, latest.version, status, latest.entry), {"version": latest.version,
                                                                       "comment": comment.strip()}

    return _audited(conn, actor, change_name, code, step)


def published(conn: psycopg.Connection) -> list[Entry]:
    """The published version of every entry, by resource code."""
    return [version.entry for version in published_versions(conn)]


def published_versions(conn: psycopg.Connection) -> list[Version]:
    """The published version of every entry with its number, by resource code."""
    rows = conn.execute("select code, version, status, entry from control.catalog_versions"
                        " where status = 'published' order by code")
    return [Version(code, number, status, Entry.model_validate(entry)) for code, number, status, entry in rows]


def published_on(conn: psycopg.Connection, target: str) -> list[Version]:
    """The published version of each entry hung on a table `schema.table`, by resource code."""
    return [version for version in published_versions(conn)
            if version.entry.kind == "table" and version.entry.target == target]


def versions(conn: psycopg.Connection, code: str) -> list[Version]:
    """Every version of an entry, the first first; an unknown code is refused naming how to find the codes."""
    held = _versions(conn, code)
    if not held:
        raise EntryError(f"there is no catalog entry {code} (`hubei-data catalog list` shows the codes)")
    return held


def history(conn: psycopg.Connection, code: str) -> list[Step]:
    """Each step of every version of an entry, in order."""
    versions(conn, code)
    rows = conn.execute("select version, step, actor, at, comment from control.catalog_steps where code = %s"
                        " order by step_id", (code,))
    return [Step(*row) for row in rows]


def under_review(conn: psycopg.Connection, code: str) -> tuple[Version, dict]:
    """The entry's open (draft or submitted) version and its diff against the published one."""
    held = versions(conn, code)
    if held[-1].status not in OPEN:
        raise EntryError(f"{code}: no version is open for review (version {held[-1].version} is {held[-1].status})")
    return held[-1], diff(_published(held), held[-1].entry)


def _audited(conn, actor: audit_trail.Actor, change_name: str, code: str, step):
    target = f"catalog {code}"
    try:
        try:
            with conn.transaction():
                result, detail = step()
                audit_trail.append(conn, actor.name, actor.source, Action.CONFIG_CHANGE, target, Outcome.SUCCESS,
                                   {"change": f"catalog {change_name}", **detail})
        except psycopg.errors.UniqueViolation:
            # The indexes allow one open and one published version: someone else's step came first.
            raise EntryError(f"{code} was changed by someone else at the same moment: look again with"
                             f" `hubei-data catalog show {code}`") from None
    except EntryError as error:
        audit_trail.append(conn, actor.name, actor.source, Action.CONFIG_CHANGE, target, Outcome.FAILURE,
                           {"change": f"catalog {change_name}", "error": str(error)})
        raise
    return result


def _summary(changes: dict) -> dict:
    return {"added": ", ".join(changes["added"]), "removed": ", ".join(changes["removed"]),
            "changed": ", ".join(changes["changed"]), "fields": ", ".join(changes["fields"])}


def _published(held: list[Version]) -> Entry | None:
    return next((v.entry for v in held if v.status == "published"), None)


def _latest(conn, code: str) -> Version:
    return versions(conn, code)[-1]


def _versions(conn, code: str) -> list[Version]:
    rows = conn.execute("select code, version, status, entry from control.catalog_versions where code = %s"
                        " order by version", (code,))
    return [Version(c, number, status, Entry.model_validate(entry)) for c, number, status, entry in rows]


def _insert(conn, entry: Entry, version: int, status: str) -> None:
    conn.execute("insert into control.catalog_versions (code, version, kind, target, entry, status)"
                 " values (%s, %s, %s, %s, %s, %s)",
                 (entry.code, version, entry.kind, entry.target, Jsonb(entry.model_dump()), status))


def _set_status(conn, version: Version, status: str) -> None:
    conn.execute("update control.catalog_versions set status = %s where code = %s and version = %s",
                 (status, version.code, version.version))


def _step(conn, code: str, version: int, step: str, actor: str, comment: str | None) -> None:
    conn.execute("insert into control.catalog_steps (code, version, step, actor, comment) values (%s, %s, %s, %s, %s)",
                 (code, version, step, actor, comment))


def overview(conn: psycopg.Connection) -> list[tuple]:
    """Each entry as its newest version names it: code, name, what it hangs on, the published version and the
    version open for review with its status."""
    rows = conn.execute("select code, version, status, entry ->> 'name', kind || ' ' || target"
                        " from control.catalog_versions order by code, version").fetchall()
    entries: dict[str, list] = {}
    for code, version, status, name, target in rows:
        entry = entries.setdefault(code, [code, name, target, None, None])
        entry[1:3] = name, target
        if status == "published":
            entry[3] = version
        if status in OPEN:
            entry[4] = f"{version} ({status})"
    return [tuple(entry) for entry in entries.values()]
