"""The audit trail's hash chain: what an event is, how it is written down, and how tampering is found.

Each row's digest covers the previous row's digest and its own event, so editing, deleting or
reordering rows breaks the chain at a row that `verify` names (GB/T 22239-2019 level 3 audit).
The algorithm is stored per row, so a chain can switch from SHA-256 to SM3 (国密) at a boundary.
"""

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Literal, get_args

from cryptography.hazmat.primitives import hashes

Algorithm = Literal["sha256", "sm3"]
ALGORITHMS: tuple[str, ...] = get_args(Algorithm)

# What the first row's previous digest is: nothing came before it.
GENESIS = "0" * 64
DIGEST_SHAPE = re.compile(r"[0-9a-f]{64}")

DetailValue = str | int | bool | None


class Action(StrEnum):
    LOGIN = "login"
    LOGOUT = "logout"
    LOGIN_FAILED = "login_failed"
    LOCKOUT = "lockout"
    SESSION_REFUSED = "session_refused"
    TOKEN_ISSUE = "token_issue"
    ACCESS = "access"
    PASSWORD_CHANGE = "password_change"
    USER_CHANGE = "user_change"
    ROLE_CHANGE = "role_change"
    GRANT_DECISION = "grant_decision"
    RUN_LAUNCH = "run_launch"
    RUN_TERMINATE = "run_terminate"
    CONFIG_CHANGE = "config_change"
    SQL_QUERY = "sql_query"
    DATA_EXPORT = "data_export"
    DATA_VIEW = "data_view"
    BACKUP = "backup"
    RESTORE = "restore"


class Outcome(StrEnum):
    SUCCESS = "success"
    FAILURE = "failure"
    DENIED = "denied"


@dataclass(frozen=True)
class AuditEvent:
    """Who did what, when, from where, to which object, and how it ended.

    `at` must be timezone-aware and is kept in UTC with microseconds, the precision PostgreSQL
    stores, so an event read back serialises exactly as it did when written. Detail values are
    strings, integers, booleans or None: floats are left out because their text form is not
    stable across a round trip through the database.
    """

    actor: str
    at: datetime
    source: str
    action: Action
    target: str
    outcome: Outcome
    detail: Mapping[str, DetailValue] = field(default_factory=dict)

    def __post_init__(self):
        if self.at.tzinfo is None or self.at.utcoffset() is None:
            raise ValueError(f"an audit event's time must carry its time zone, got {self.at.isoformat()}")
        for name in ("actor", "source", "target"):
            if not isinstance(getattr(self, name), str):
                raise TypeError(f"an audit event's {name} must be text, got {getattr(self, name)!r}")
        for key, value in self.detail.items():
            if not isinstance(key, str) or not (value is None or isinstance(value, str | int)):
                raise TypeError(f"audit detail {key!r}: {value!r} is not text, a whole number, a boolean or None")
        object.__setattr__(self, "at", self.at.astimezone(UTC))
        object.__setattr__(self, "action", Action(self.action))
        object.__setattr__(self, "outcome", Outcome(self.outcome))
        object.__setattr__(self, "detail", MappingProxyType(dict(self.detail)))


def canonical(event: AuditEvent) -> bytes:
    """The one byte string an event digests to: JSON, sorted keys, fixed separators, ASCII only.

    JSON quotes and escapes every string, so no field content (separators, newlines, NUL, quotes,
    text that looks like JSON) can move a boundary between fields; escaping to ASCII makes the
    bytes independent of how the text is stored.
    """
    document = {
        "action": event.action.value,
        "actor": event.actor,
        "at": event.at.isoformat(timespec="microseconds"),
        "detail": dict(event.detail),
        "outcome": event.outcome.value,
        "source": event.source,
        "target": event.target,
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def digest_hex(algorithm: Algorithm, data: bytes) -> str:
    """The hex digest of data under one of the chain's algorithms."""
    if algorithm == "sha256":
        return hashlib.sha256(data).hexdigest()
    if algorithm == "sm3":
        # From cryptography's bundled OpenSSL: hashlib offers SM3 only when the system OpenSSL does.
        digest = hashes.Hash(hashes.SM3())
        digest.update(data)
        return digest.finalize().hex()
    raise ValueError(f"unknown digest algorithm {algorithm!r}: use one of {', '.join(ALGORITHMS)}")


def chain_digest(previous_digest: str, event: AuditEvent, algorithm: Algorithm) -> str:
    """The digest of a row: the previous row's digest (fixed-length hex), a newline, the event."""
    if not DIGEST_SHAPE.fullmatch(previous_digest):
        raise ValueError(f"a previous digest is 64 lowercase hex digits, got {previous_digest!r}")
    return digest_hex(algorithm, previous_digest.encode("ascii") + b"\n" + canonical(event))


@dataclass(frozen=True)
class ChainRow:
    """One row of the audit table as the chain sees it."""

    seq: int
    event: AuditEvent
    algorithm: str
    previous_digest: str
    digest: str


def link(previous: ChainRow | None, event: AuditEvent, algorithm: Algorithm) -> ChainRow:
    """The row that appends `event` after `previous` (None for the first row of a chain)."""
    seq, previous_digest = (1, GENESIS) if previous is None else (previous.seq + 1, previous.digest)
    return ChainRow(seq, event, algorithm, previous_digest, chain_digest(previous_digest, event, algorithm))


class ProblemKind(StrEnum):
    EDITED = "edited"
    DELETED = "deleted"
    BROKEN_LINK = "broken link"
    GENESIS = "genesis"
    DUPLICATE = "duplicate"


@dataclass(frozen=True)
class Problem:
    seq: int
    kind: ProblemKind
    message: str

    def __str__(self) -> str:
        return f"row {self.seq} ({self.kind}): {self.message}"


def _content_problem(row: ChainRow) -> Problem | None:
    if row.algorithm not in ALGORITHMS:
        return Problem(row.seq, ProblemKind.EDITED, f"unknown digest algorithm {row.algorithm!r}: the row was edited")
    if not DIGEST_SHAPE.fullmatch(row.previous_digest):
        return Problem(row.seq, ProblemKind.EDITED, "its previous digest is not 64 lowercase hex digits: the row was edited")
    if chain_digest(row.previous_digest, row.event, row.algorithm) != row.digest:
        return Problem(row.seq, ProblemKind.EDITED, "its stored digest does not match its content: the row was edited")
    return None


def _deleted(first: int, last: int) -> Problem:
    missing = f"row {first} is" if first == last else f"rows {first} to {last} are"
    return Problem(first, ProblemKind.DELETED, f"{missing} missing: deleted")


def verify(rows: Iterable[ChainRow]) -> list[Problem]:
    """Every place where the chain is broken, in sequence order; an empty list means it holds.

    Each row is checked against its own digest (edited) and against the row before it (a gap is a
    deletion; a previous digest that differs means rows were reordered, or the row before was
    edited and its digest recomputed). Rows removed from the end leave no trace in the chain itself:
    that needs the last digest kept somewhere else.
    """
    problems: list[Problem] = []
    previous: ChainRow | None = None
    for row in sorted(rows, key=lambda row: row.seq):
        if previous is None:
            if row.seq != 1:
                problems.append(_deleted(1, row.seq - 1))
            if row.previous_digest != GENESIS:
                problems.append(Problem(row.seq, ProblemKind.GENESIS, "the first row does not start from the genesis digest: the first link was changed"))
        elif row.seq == previous.seq:
            problems.append(Problem(row.seq, ProblemKind.DUPLICATE, "two rows carry this sequence number"))
        elif row.seq > previous.seq + 1:
            problems.append(_deleted(previous.seq + 1, row.seq - 1))
        elif row.previous_digest != previous.digest:
            problems.append(
                Problem(
                    row.seq,
                    ProblemKind.BROKEN_LINK,
                    f"it does not follow row {previous.seq}: rows were reordered, or row {previous.seq} was edited and its digest recomputed",
                )
            )
        if problem := _content_problem(row):
            problems.append(problem)
        previous = row
    return problems
