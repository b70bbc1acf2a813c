"""The latest probe readings, for the health page and the Prometheus exposition."""

import psycopg


def latest(conn: psycopg.Connection) -> list[dict]:
    """The newest sample of every probe and target."""
    cursor = conn.execute(
        "select distinct on (probe, target) probe, target, value, ok, detail, at from ops.samples"
        " order by probe, target, at desc"
    )
    names = [column.name for column in cursor.description]
    return [dict(zip(names, row)) for row in cursor]
