"""The sync log (audit.sync_log): what each build inserted, updated and left in each subject and share table."""

import psycopg
from psycopg import sql

SYNCED_SCHEMAS = ("subject", "share")

def record(
    conn: psycopg.Connection, schema: str, table: str, sync_id: str, full_refresh: bool, duration: float | None
) -> dict[str, int]:
    """Count what build `sync_id` wrote into schema.table, log it, and return the counts.

    Rows the build wrote carry its sync id; those it first wrote carry it twice. Rows can
    disappear only when entity resolution merges two into one, seen as the table growing
    less than the build inserted.
    """
    inserted, updated, total = conn.execute(
        sql.SQL(
            "select count(*) filter (where _sync_id = %(id)s and _first_sync_id = %(id)s),"
            " count(*) filter (where _sync_id = %(id)s and _first_sync_id <> %(id)s),"
            " count(*) from {}"
        ).format(sql.Identifier(schema, table)),
        {"id": sync_id},
    ).fetchone()
    model = f"{schema}.{table}"
    previous = conn.execute(
        "select total_rows from audit.sync_log where model = %s and sync_id <> %s order by logged_at desc limit 1",
        (model, sync_id),
    ).fetchone()
    removed = 0 if full_refresh or previous is None else max(previous[0] + inserted - total, 0)
    counts = {
        "inserted": inserted,
        "updated": updated,
        "unchanged": total - inserted - updated,
        "removed": removed,
        "total_rows": total,
    }
    conn.execute(
        "insert into audit.sync_log (sync_id, model, full_refresh, inserted, updated, unchanged, removed,"
        " total_rows, duration_seconds) values (%(sync_id)s, %(model)s, %(full_refresh)s, %(inserted)s,"
        " %(updated)s, %(unchanged)s, %(removed)s, %(total_rows)s, %(duration)s)"
        " on conflict (sync_id, model) do update set full_refresh = excluded.full_refresh,"
        " inserted = excluded.inserted, updated = excluded.updated, unchanged = excluded.unchanged,"
        " removed = excluded.removed, total_rows = excluded.total_rows,"
        " duration_seconds = excluded.duration_seconds, logged_at = now()",
        {**counts, "sync_id": sync_id, "model": model, "full_refresh": full_refresh, "duration": duration},
    )
    conn.commit()
    return counts


def entries(conn: psycopg.Connection, sync_id: str | None = None, limit: int = 50) -> list[tuple]:
    """The newest log rows, or one build's, newest first."""
    where = sql.SQL("where sync_id = %s") if sync_id else sql.SQL("")
    query = sql.SQL(
        "select logged_at::timestamp(0), sync_id, model, full_refresh, inserted, updated, unchanged, removed, total_rows,"
        " round(duration_seconds::numeric, 2) from audit.sync_log {} order by logged_at desc, model limit %s"
    ).format(where)
    return conn.execute(query, ([sync_id] if sync_id else []) + [limit]).fetchall()
