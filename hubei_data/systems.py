"""The business systems sources come from, and the database each one is read through.

A system's own URL is `HUBEI_DATA_SYSTEM_<CODE>_URL`; a declared system without one falls back to
`HUBEI_DATA_SOURCE_URL`, then to the warehouse's `source_systems` schema. Any system with a URL of its
own is connected, declared by a source or not, so a new database can be harvested before it has sources.
"""

import os
from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa

from hubei_data import warehouse
from hubei_data.contracts import SOURCES
from hubei_data.contracts.model import SYSTEM_CODE

PREFIX = "HUBEI_DATA_SYSTEM_"
SHARED_URL = "HUBEI_DATA_SOURCE_URL"
FALLBACK_SCHEMA = "source_systems"


class SourceSystemError(Exception):
    """A system that is unknown, misconfigured or unreachable, said in one line naming it."""


@dataclass(frozen=True)
class System:
    """A business system (业务系统) by its code, with the names its sources give it."""

    code: str
    chinese: str
    english: str

    @property
    def url_variable(self) -> str:
        return f"{PREFIX}{self.code.upper()}_URL"

    @property
    def schema_variable(self) -> str:
        return f"{PREFIX}{self.code.upper()}_SCHEMA"

    @property
    def label(self) -> str:
        return f"{self.code} ({self.chinese})" if self.chinese else self.code


@dataclass(frozen=True)
class Connection:
    """Where a system is read: its URL, the schema its tables are in (None: every schema), and why."""

    system: System
    url: sa.URL
    schema: str | None
    via: str

    @property
    def shown(self) -> str:
        """The URL with its password hidden, for messages and records."""
        return self.url.render_as_string(hide_password=True)

    def engine(self, **options) -> sa.Engine:
        return sa.create_engine(self.url, pool_pre_ping=True, **options)


def declared() -> dict[str, System]:
    """The systems the source contracts name, by code."""
    return {s.system_code: System(s.system_code, s.system, s.system_english) for s in SOURCES.values()}


def systems(environ: Mapping[str, str] = os.environ) -> dict[str, System]:
    """Every system: those the contracts declare and those with a URL of their own in the environment."""
    found = declared()
    for variable in environ:
        code = variable.removeprefix(PREFIX).removesuffix("_URL").lower()
        if variable == f"{PREFIX}{code.upper()}_URL" and SYSTEM_CODE.fullmatch(code):
            found.setdefault(code, System(code, "", ""))
    return found


def system(code: str, environ: Mapping[str, str] = os.environ) -> System:
    """One system by its code, or a clear error naming the known ones."""
    known = systems(environ)
    if code not in known:
        raise SourceSystemError(f"unknown system {code!r}: the systems are {', '.join(sorted(known))}"
                                f" (a new one is connected by setting {PREFIX}<CODE>_URL)")
    return known[code]


def with_own_url(environ: Mapping[str, str] = os.environ) -> list[System]:
    """The systems whose database has a URL of its own: those a periodic harvest visits."""
    return [found for code, found in sorted(systems(environ).items()) if environ.get(found.url_variable)]


def connection(code: str, environ: Mapping[str, str] = os.environ,
               fallback_schema: str = FALLBACK_SCHEMA) -> Connection:
    """The system's own URL, else the shared one, else the warehouse; a malformed URL is a clear error."""
    found = system(code, environ)
    own = environ.get(found.url_variable)
    if own:
        return Connection(found, _parsed(found, found.url_variable, own), environ.get(found.schema_variable) or None,
                          found.url_variable)
    shared = environ.get(SHARED_URL)
    if shared:
        return Connection(found, _parsed(found, SHARED_URL, shared), fallback_schema, SHARED_URL)
    return Connection(found, sa.make_url(warehouse.connect_info().sqlalchemy_url), fallback_schema, "the warehouse")


def _parsed(found: System, variable: str, url: str) -> sa.URL:
    try:
        parsed = sa.make_url(url)
        parsed.get_dialect().import_dbapi()
    except ImportError as error:
        raise SourceSystemError(f"system {found.label}: the driver {variable} names is not installed"
                                f" ({error})") from None
    except Exception as error:  # noqa: BLE001 — the parser's words may quote the URL; which variable is enough
        raise SourceSystemError(f"system {found.label}: {variable} is not a usable database URL"
                                f" ({type(error).__name__})") from None
    return parsed


def first_line(error: sa.exc.DBAPIError) -> str:
    """What the driver said, in one line (drivers never put the password in it)."""
    said = str(error.orig).strip() if error.orig is not None else ""
    return said.splitlines()[0] if said else type(error.orig or error).__name__
