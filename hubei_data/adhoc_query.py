"""Ad-hoc SQL for investigating data: one statement, read-only, as a role that can read and nothing more."""

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

from hubei_data import roles, warehouse
from hubei_data.control import audit_trail
from hubei_data.control.audit_chain import Action, Outcome
from hubei_data.control.schema import require_current

MAX_TIMEOUT_SECONDS = 3600
# Refusals by the server's rules rather than by a fault: recorded in the audit trail as denied.
_DENIED = (psycopg.errors.InsufficientPrivilege, psycopg.errors.ReadOnlySqlTransaction)


class QueryRefused(ValueError):
    """The text is not one read-only query the console may run, or the server stopped it."""

    def __init__(self, message: str, outcome: Outcome = Outcome.FAILURE):
        super().__init__(message)
        self.outcome = outcome


@contextmanager
def run(sql_text: str, timeout_seconds: int, actor: str, source: str) -> Iterator[tuple[list[str], psycopg.Cursor]]:
    """Run one query as the query role; yield its column names and a cursor over its rows.

    Safety does not depend on reading the text: the role may read only the libraries and write
    nothing (not even temporary tables), its sessions are read-only, and the statement timeout
    is the server's. A prepared statement holds exactly one command, so a second one (a `commit`
    to leave the read-only transaction, say) is refused by the server before anything runs.
    Every query, answered or refused, goes into the audit trail before any row is shown; when it
    cannot be recorded, no row is shown. `actor` and `source` say who asked, from where.
    """
    by = actor, source
    with warehouse.connect() as audit:
        require_current(audit)
        try:
            columns, cursor, query = _execute(sql_text, timeout_seconds)
        except QueryRefused as refusal:
            _audit(audit, by, sql_text, timeout_seconds, refusal.outcome, refusal=str(refusal))
            raise
        with query:
            _audit(audit, by, sql_text, timeout_seconds, Outcome.SUCCESS, rows=cursor.rowcount)
            try:
                yield columns, cursor
            finally:
                query.rollback()


def _execute(sql_text: str, timeout_seconds: int) -> tuple[list[str], psycopg.Cursor, psycopg.Connection]:
    if not 1 <= timeout_seconds <= MAX_TIMEOUT_SECONDS:
        raise QueryRefused(f"the timeout must be 1 to {MAX_TIMEOUT_SECONDS} seconds, not {timeout_seconds}")
    if "\x00" in sql_text:
        raise QueryRefused("the query text holds a NUL character")
    conn = psycopg.connect(warehouse.reader_info(roles.QUERY).url)
    try:
        conn.read_only = True
        conn.execute("select set_config('statement_timeout', %s, true)", (f"{timeout_seconds}s",))
        try:
            cursor = conn.execute(sql_text, prepare=True)
        except psycopg.errors.QueryCanceled:
            raise QueryRefused(f"the query ran longer than {timeout_seconds} s and was cancelled") from None
        except _DENIED as error:
            raise QueryRefused(f"query failed: {str(error).strip()}", Outcome.DENIED) from None
        except psycopg.errors.SyntaxError as error:
            if "multiple commands" in str(error):
                raise QueryRefused("only one statement is allowed; the text holds more than one",
                                   Outcome.DENIED) from None
            raise QueryRefused(f"query failed: {str(error).strip()}") from None
        except psycopg.Error as error:
            raise QueryRefused(f"query failed: {str(error).strip()}") from None
        if cursor.description is None:
            raise QueryRefused("the statement returned no rows; only queries are allowed", Outcome.DENIED)
    except BaseException:
        conn.close()
        raise
    return [column.name for column in cursor.description], cursor, conn


def _audit(conn: psycopg.Connection, by: tuple[str, str], sql_text: str, timeout_seconds: int, outcome: Outcome,
           **detail) -> None:
    actor, source = by
    audit_trail.append(conn, actor, source, Action.SQL_QUERY, "warehouse", outcome, {
        "sql": sql_text, "sql_sha256": hashlib.sha256(sql_text.encode("utf-8", "backslashreplace")).hexdigest(),
        "timeout_seconds": timeout_seconds, **detail,
    })
