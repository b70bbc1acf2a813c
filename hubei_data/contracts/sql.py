"""Installs the SQL standards and masking rules (schema `std`), so dbt models use them in the warehouse."""

from importlib.resources import files

import psycopg

STANDARDS_SQL = [files("hubei_data.contracts") / name for name in ("standards.sql", "masking.sql")]


def install_standards(conn: psycopg.Connection) -> None:
    """Create or replace the `std` functions; safe when many processes install at once.

    Concurrent first installs collide on `create schema if not exists` (a unique violation)
    and concurrent replacements of one function can fail with "tuple concurrently updated",
    so installers queue on an advisory lock held until their transaction ends.
    """
    with conn.transaction():
        conn.execute("select pg_advisory_xact_lock(hashtext('hubei_data.std'))")
        for script in STANDARDS_SQL:
            conn.execute(script.read_text(encoding="utf-8"))
