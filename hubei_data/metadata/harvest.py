"""One harvest: a system's tables kept as its next version, the sources they serve compared with their contracts."""

from collections.abc import Callable, Sequence

import psycopg

from hubei_data import systems
from hubei_data.metadata import store
from hubei_data.metadata.model import HarvestError
from hubei_data.metadata.observe import after_harvest
from hubei_data.metadata.reading import read_tables


def harvest(conn: psycopg.Connection, code: str, by: str, schemas: Sequence[str] = (), tables: Sequence[str] = (),
            progress: Callable[[str], None] = lambda _: None) -> store.Saved:
    """Harvest the system now; an unknown, misconfigured or unreachable system stores nothing. `progress` also
    hears of each drift finding the harvest opened, saw again or resolved."""
    try:
        connection = systems.connection(code)
    except systems.SourceSystemError as error:
        raise HarvestError(str(error)) from None
    read, scope = read_tables(connection, schemas, tables, progress)
    saved = store.save(conn, connection.system.code, read, scope, connection.shown, by)
    for line in after_harvest(conn, connection.system.code, saved.version, read):
        progress(line)
    return saved
