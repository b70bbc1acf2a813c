"""A quiet server before each timed step: what the steps before wrote is vacuumed, analysed and written out, untimed.

Left to autovacuum and the checkpointer, that work runs inside the next step's time on the same two cores and
disk, which no step of a live platform pays: its tables were vacuumed, and their pages written, long before.
"""

import psycopg
from psycopg import sql

from hubei_data import warehouse


def vacuumed(url: str, *tables: str) -> None:
    """Vacuum and analyse these tables (schema.table or table), or every table the role may vacuum when none; then
    write every changed page out."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.add_notice_handler(lambda notice: None)  # tables of other roles are skipped, each with a warning
        names = sql.SQL(", ").join(sql.Identifier(*table.split(".")) for table in tables)
        conn.execute(sql.SQL("vacuum (analyze) {}").format(names) if tables else sql.SQL("vacuum (analyze)"))
    _checkpointed()


def _checkpointed() -> None:
    """A checkpoint, which only a superuser may ask for: the embedded server's; a server given by URL checkpoints
    on its own schedule."""
    try:
        superuser = warehouse.superuser_info()
    except warehouse.WarehouseError:
        return
    with psycopg.connect(superuser.url, autocommit=True) as conn:
        conn.execute("checkpoint")
