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
    hears of each drift finding the harvest opened, saw again or resolved, a source's table it no longer found
    among them."""
    try:
        connection = systems.connection(code)
    except systems.SourceSystemError as error:
        raise HarvestError(str(error)) from None
    code = connection.system.code
    read, scope = read_tables(connection, schemas, tables, progress)
    latest = store.latest_version(conn, code)
    present = {table.qualified for table in read}
    gone = [table for table in (store.load(conn, code, latest) if latest else [])
            if scope.covers(table) and table.qualified not in present]
    saved = store.save(conn, code, read, scope, connection.shown, by)
    for line in after_harvest(conn, code, saved.version, read, gone):
        progress(line)
    return saved
