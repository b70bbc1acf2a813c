"""A quiet server before each timed step: what the steps before wrote is vacuumed and analysed, untimed.

Left to autovacuum, that work runs inside the next step's time on the same two cores, which no step of a live
platform pays: its tables were vacuumed long before.
"""

import psycopg
from psycopg import sql


def vacuumed(url: str, *tables: str) -> None:
    """Vacuum and analyse these tables (schema.table or table), or every table the role may vacuum when none."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.add_notice_handler(lambda notice: None)  # tables of other roles are skipped, each with a warning
        names = sql.SQL(", ").join(sql.Identifier(*table.split(".")) for table in tables)
        conn.execute(sql.SQL("vacuum (analyze) {}").format(names) if tables else sql.SQL("vacuum (analyze)"))
