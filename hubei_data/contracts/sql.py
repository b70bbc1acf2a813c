"""Installs the SQL twins of the standards (schema `std`), so dbt models validate in the warehouse."""

from importlib.resources import files

import psycopg

STANDARDS_SQL = files("hubei_data.contracts") / "standards.sql"


def install_standards(conn: psycopg.Connection) -> None:
    """Create or replace the `std` functions; safe when many processes install at once.

    Concurrent first installs collide on `create schema if not exists` (a unique violation)
    and concurrent replacements of one function can fail with "tuple concurrently updated",
    so installers queue on an advisory lock held until their transaction ends.
    """
    with conn.transaction():
        conn.execute("select pg_advisory_xact_lock(hashtext('hubei_data.std'))")
        conn.execute(STANDARDS_SQL.read_text(encoding="utf-8"))
