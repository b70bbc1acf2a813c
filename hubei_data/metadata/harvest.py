"""One harvest: read a system's tables and keep them as its next metadata version, or say why not."""

from collections.abc import Callable, Sequence

import psycopg

from hubei_data import systems
from hubei_data.metadata import store
from hubei_data.metadata.model import HarvestError
from hubei_data.metadata.reading import read_tables


def harvest(conn: psycopg.Connection, code: str, by: str, schemas: Sequence[str] = (), tables: Sequence[str] = (),
            progress: Callable[[str], None] = lambda _: None) -> store.Saved:
    """Harvest the system now; an unknown, misconfigured or unreachable system stores nothing."""
    try:
        connection = systems.connection(code)
    except systems.SourceSystemError as error:
        raise HarvestError(str(error)) from None
    read, scope = read_tables(connection, schemas, tables, progress)
    return store.save(conn, connection.system.code, read, scope, connection.shown, by)
