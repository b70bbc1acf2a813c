"""Installs the SQL standards and masking rules (schema `std`), so dbt models use them in the warehouse."""

from importlib.resources import files

import psycopg

STANDARDS_SQL = [files("hubei_data.contracts") / name for name in ("standards.sql", "masking.sql")]


# Concurrent first installs collide on `create schema if not exists` (a unique violation) and
# concurrent replacements of one function can fail with "tuple concurrently updated", so
# installers queue on an advisory lock held until their transaction ends.
INSTALL_LOCK = "select pg_advisory_xact_lock(hashtext('hubei_data.std'))"
DBT_MACRO = "dbt_project/macros/install_standards.sql"


def install_standards(conn: psycopg.Connection) -> None:
    """Create or replace the `std` functions; safe when many processes install at once."""
    with conn.transaction():
        conn.execute(INSTALL_LOCK)
        for script in STANDARDS_SQL:
            conn.execute(script.read_text(encoding="utf-8"))


def dbt_macro() -> str:
    """The same installation as a dbt macro that every dbt build runs first (on-run-start), so a
    bare `dbt build` has the functions its models call, on a fresh database too."""
    scripts = "\n".join(script.read_text(encoding="utf-8") for script in STANDARDS_SQL)
    return ("{#- Generated from hubei_data/contracts/standards.sql and masking.sql by"
            " `hubei-data contracts generate`; do not edit. -#}\n"
            "{% macro install_standards() -%}\n"
            f"{INSTALL_LOCK};\n{{% raw %}}\n{scripts}{{% endraw %}}\n"
            "{%- endmacro %}\n")
