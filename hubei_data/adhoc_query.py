"""Ad-hoc SQL for investigating data: one statement, read-only, as a role that can read and nothing more."""

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

from hubei_data import roles, warehouse

MAX_TIMEOUT_SECONDS = 3600


class QueryRefused(ValueError):
    """The text is not one read-only query the console may run, or the server stopped it."""


@contextmanager
def run(sql_text: str, timeout_seconds: int) -> Iterator[tuple[list[str], psycopg.Cursor]]:
    """Run one query as the query role; yield its column names and a cursor over its rows.

    Safety does not depend on reading the text: the role may read only the libraries and write
    nothing (not even temporary tables), its sessions are read-only, and the statement timeout
    is the server's. A prepared statement holds exactly one command, so a second one (a `commit`
    to leave the read-only transaction, say) is refused by the server before anything runs.
    """
    if not 1 <= timeout_seconds <= MAX_TIMEOUT_SECONDS:
        raise QueryRefused(f"the timeout must be 1 to {MAX_TIMEOUT_SECONDS} seconds, not {timeout_seconds}")
    if "\x00" in sql_text:
        raise QueryRefused("the query text holds a NUL character")
    with psycopg.connect(warehouse.reader_info(roles.QUERY).url) as conn:
        conn.read_only = True
        conn.execute("select set_config('statement_timeout', %s, true)", (f"{timeout_seconds}s",))
        try:
            cursor = conn.execute(sql_text, prepare=True)
        except psycopg.errors.QueryCanceled:
            raise QueryRefused(f"the query ran longer than {timeout_seconds} s and was cancelled") from None
        except psycopg.errors.SyntaxError as error:
            if "multiple commands" in str(error):
                raise QueryRefused("only one statement is allowed; the text holds more than one") from None
            raise QueryRefused(f"query failed: {str(error).strip()}") from None
        except psycopg.Error as error:
            raise QueryRefused(f"query failed: {str(error).strip()}") from None
        if cursor.description is None:
            raise QueryRefused("the statement returned no rows; only queries are allowed")
        try:
            yield [column.name for column in cursor.description], cursor
        finally:
            conn.rollback()
