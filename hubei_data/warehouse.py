"""Where the warehouse is: an embedded PostgreSQL in the data directory, or one URL; and as whom to connect.

Every process that talks to the embedded server calls `connect_info()` first: the server
starts on demand and stays up while any such process lives. The platform works as the owner
role; ad-hoc queries and the data API connect as read-only roles (see roles.py).
"""

import dataclasses
import logging
import os
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

import psycopg
from psycopg import sql

from hubei_data import embedded, roles

DATABASE = "hubei_data"
URL_VARIABLE = "HUBEI_DATA_DATABASE_URL"
DIR_VARIABLE = "HUBEI_DATA_DIR"
# With an external warehouse, the read-only roles connect through URLs of their own.
READER_URL_VARIABLES = {
    roles.QUERY: "HUBEI_DATA_QUERY_DATABASE_URL",
    roles.API_READER: "HUBEI_DATA_API_DATABASE_URL",
}


class WarehouseError(RuntimeError):
    """The warehouse cannot be reached or is configured wrongly."""


@dataclass(frozen=True)
class ConnectInfo:
    """One PostgreSQL database, spelled for each client that needs it."""

    host: str
    port: int
    user: str
    password: str
    dbname: str
    embedded: bool

    @property
    def url(self) -> str:
        """A libpq URL for psycopg; the host goes in the query so socket paths work."""
        query = urlencode({"host": self.host, "port": self.port})
        return f"postgresql://{self.user}:{self.password}@/{self.dbname}?{query}"

    @property
    def sqlalchemy_url(self) -> str:
        """psycopg2 spelled out: SQLAlchemy 2.1 maps a bare URL to psycopg 3, which
        dagster-postgres cannot use."""
        return self.url.replace("postgresql://", "postgresql+psycopg2://", 1)

    def dbt_env(self) -> dict[str, str]:
        """The variables dbt_project/profiles.yml reads."""
        return {
            "HUBEI_DATA_PG_HOST": self.host,
            "HUBEI_DATA_PG_PORT": str(self.port),
            "HUBEI_DATA_PG_USER": self.user,
            "HUBEI_DATA_PG_PASSWORD": self.password,
            "HUBEI_DATA_PG_DBNAME": self.dbname,
        }

    def as_role(self, role: str) -> "ConnectInfo":
        """The same database as another role of the embedded server, which trusts its local socket."""
        return dataclasses.replace(self, user=role, password="")

    def redacted(self) -> str:
        """The URL with its password hidden, for logs and messages."""
        return self.url.replace(f":{self.password}@", ":***@", 1) if self.password else self.url


def data_dir() -> Path:
    """The data directory (`HUBEI_DATA_DIR`, default `./.hubei_data`), created on demand."""
    path = Path(os.environ.get(DIR_VARIABLE, ".hubei_data")).expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


@cache
def connect_info() -> ConnectInfo:
    """The warehouse of this process, as the owner: the URL when one is set, else the embedded server.

    Either way the readers are granted what they may read before anything else runs.
    """
    url = os.environ.get(URL_VARIABLE)
    info = parse_url(url) if url else _start_embedded()
    with _reach(info) as conn:
        if conn.execute("select rolsuper from pg_roles where rolname = current_user").fetchone()[0]:
            logging.getLogger(__name__).warning(
                "%s connects as a superuser; give the platform an owner role instead (docs/roles.md)", URL_VARIABLE
            )
        roles.grant_reading(conn)
    return info


def reader_info(role: str) -> ConnectInfo:
    """The warehouse as one of the read-only roles: never the owner, never a superuser."""
    owner = connect_info()
    if owner.embedded:
        return owner.as_role(role)
    url = os.environ.get(READER_URL_VARIABLES[role])
    if not url:
        raise WarehouseError(
            f"{READER_URL_VARIABLES[role]} is not set: with an external warehouse, {role} connects through a URL "
            "of its own (docs/roles.md says how to create the role)"
        )
    info = parse_url(url)
    if info.user != role:
        raise WarehouseError(f"{READER_URL_VARIABLES[role]} must connect as {role}, not {info.user}")
    return info


def held_for(pids: list[int]) -> AbstractContextManager:
    """While inside, the embedded warehouse stays up for these processes as for this one (embedded.held_for);
    a warehouse at a URL is not this platform's to stop."""
    return embedded.held_for(data_dir() / "pg", pids) if connect_info().embedded else nullcontext()


def create_database(name: str, template: str | None = None) -> ConnectInfo:
    """Another database on the embedded server, owned by the owner role: for tests, benchmarks and scratch
    front-end databases. Empty, or a copy of `template` (a database nobody is connected to), which takes a
    tenth of a second where migrating one takes more than a second."""
    with psycopg.connect(superuser_info().url, autocommit=True) as admin:
        admin.execute(sql.SQL("create database {} owner {} template {}").format(
            sql.Identifier(name), sql.Identifier(roles.OWNER), sql.Identifier(template or "template1")))
        if template:
            roles.keep_temporary_tables_from_public(admin, name)
    return dataclasses.replace(connect_info(), dbname=name)


def drop_database(name: str) -> None:
    """Drop a database of the embedded server made by `create_database`, if it exists."""
    with psycopg.connect(superuser_info().url, autocommit=True) as admin:
        admin.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))


def superuser_info() -> ConnectInfo:
    """The embedded server's superuser: only for making and dropping databases, never for work."""
    connect_info()
    if _superuser is None:
        raise WarehouseError("only the embedded warehouse has a superuser the platform may use")
    return _superuser


def seal_audit_trail(target: ConnectInfo) -> bool:
    """On the embedded server, hand the audit trail of the target's database to the keeper role;
    whether it could (an external server's administrator runs `roles.seal_sql()` instead)."""
    if _superuser is None or (target.host, target.port) != (_superuser.host, _superuser.port):
        return False
    with psycopg.connect(dataclasses.replace(_superuser, dbname=target.dbname).url, autocommit=True) as conn:
        roles.seal_audit_trail(conn)
    return True


def connect(**kwargs) -> psycopg.Connection:
    """A new psycopg connection to the warehouse, as the owner."""
    return psycopg.connect(connect_info().url, **kwargs)


def parse_url(url: str) -> ConnectInfo:
    parts = urlsplit(url)
    if parts.scheme.split("+")[0] not in ("postgresql", "postgres"):
        raise WarehouseError(f"{URL_VARIABLE} must be a postgresql:// URL, got scheme {parts.scheme!r}")
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    return ConnectInfo(
        host=query.get("host") or parts.hostname or "localhost",
        port=int(query.get("port") or parts.port or 5432),
        user=unquote(parts.username or query.get("user") or "postgres"),
        password=unquote(parts.password or query.get("password") or ""),
        dbname=parts.path.lstrip("/") or DATABASE,
        embedded=False,
    )


_superuser: ConnectInfo | None = None


def _start_embedded() -> ConnectInfo:
    """Start the server, create the roles and the database the owner owns, and adopt older objects."""
    global _superuser
    server = parse_url(embedded.hold(data_dir() / "pg"))
    with psycopg.connect(server.url, autocommit=True) as conn:
        roles.setup_lock(conn)
        roles.create_roles(conn)
        owner = conn.execute(
            "select pg_get_userbyid(datdba) from pg_database where datname = %s", (DATABASE,)
        ).fetchone()
        if owner is None:
            conn.execute(f'create database "{DATABASE}" owner {roles.OWNER}')
        elif owner[0] != roles.OWNER:
            conn.execute(f'alter database "{DATABASE}" owner to {roles.OWNER}')
    _superuser = dataclasses.replace(server, dbname=DATABASE, embedded=True)
    with psycopg.connect(_superuser.url, autocommit=True) as conn:
        roles.adopt_objects(conn)
    return _superuser.as_role(roles.OWNER)


def _reach(info: ConnectInfo) -> psycopg.Connection:
    """A first connection, refused in one line naming the warehouse when it cannot be made."""
    try:
        return psycopg.connect(info.url, connect_timeout=10)
    except psycopg.OperationalError as error:
        raise WarehouseError(f"cannot connect to the warehouse at {info.redacted()}: {error}") from None
