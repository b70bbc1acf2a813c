"""The platform's own schema by versioned migrations: upgrade it, read its revision, refuse to work when behind.

Migrations run as the owner role, under an advisory lock so processes starting together take
turns; the revision lives in `control.alembic_version`, a schema no reader may see. Alembic is
imported only when needed: every command loads this module to name its refusal.
"""

from functools import cache
from pathlib import Path

import psycopg

from hubei_data import roles, warehouse
from hubei_data.warehouse import ConnectInfo, WarehouseError

VERSION_SCHEMA = "control"
VERSION_TABLE = "alembic_version"
_MIGRATIONS = Path(__file__).with_name("migrations")
_LOCK = "select pg_advisory_xact_lock(hashtext('hubei_data.control.migrations'))"


class SchemaBehind(WarehouseError):
    """The warehouse's schema is not the one this release works with."""


def upgrade(target: ConnectInfo | str) -> None:
    """Bring the schema to head: nothing to do when it is there; one process at a time.

    Then the readers get what they may read of the tables just made (the API reader the metric values),
    and on the embedded server the audit trail goes to the keeper role (docs/roles.md).
    """
    import sqlalchemy as sa
    from alembic import command

    url = _libpq_url(target)
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1), poolclass=sa.NullPool)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql(_LOCK)
            connection.exec_driver_sql(f"create schema if not exists {VERSION_SCHEMA}")
            config = _config()
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    finally:
        engine.dispose()
    with psycopg.connect(url) as conn:
        roles.grant_reading(conn)
    warehouse.seal_audit_trail(target if isinstance(target, ConnectInfo) else warehouse.parse_url(target))


def current(target: ConnectInfo | str) -> str | None:
    """The revision the warehouse is at; None before the first upgrade."""
    with psycopg.connect(_libpq_url(target)) as conn:
        return _revision(conn)


@cache
def head() -> str:
    """The revision this release needs."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config()).get_current_head()


def connect_current(**kwargs) -> psycopg.Connection:
    """A connection to the warehouse (`warehouse.connect` arguments), refused in one line when the schema is behind."""
    conn = warehouse.connect(**kwargs)
    try:
        require_current(conn)
    except BaseException:
        conn.close()
        raise
    return conn


def require_current(conn: psycopg.Connection) -> None:
    """Refuse in one line when the warehouse is not at head; checked once per database and process."""
    key = (conn.info.host, conn.info.port, conn.info.dbname)
    if key in _checked:
        return
    idle = conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
    found = _revision(conn)
    if idle:
        conn.rollback()
    if found != head():
        raise SchemaBehind(
            f"the warehouse schema is at revision {found or 'none'}, this release needs {head()}: "
            "run `hubei-data db upgrade`"
        )
    _checked.add(key)


_checked: set[tuple] = set()


def _revision(conn: psycopg.Connection) -> str | None:
    table = f"{VERSION_SCHEMA}.{VERSION_TABLE}"
    if conn.execute("select to_regclass(%s)", (table,)).fetchone()[0] is None:
        return None
    row = conn.execute(f"select version_num from {table}").fetchone()
    return row[0] if row else None


def _config():
    """Alembic's settings, in code: the migrations ship inside the package, not beside an alembic.ini."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    return config


def _libpq_url(target: ConnectInfo | str) -> str:
    return target if isinstance(target, str) else target.url
