"""Reads a system's schemas, tables and columns through SQLAlchemy's inspector, in one consistent look."""

import re
from collections.abc import Callable, Sequence

import sqlalchemy as sa
from sqlalchemy.engine.reflection import ObjectKind

from hubei_data.metadata.model import ColumnMeta, HarvestError, Scope, TableMeta
from hubei_data.systems import Connection, first_line

CONNECT_TIMEOUT_SECONDS = 10
# Schemas that describe the database engine itself, never a business system's data.
ENGINE_SCHEMAS = frozenset({"information_schema", "pg_catalog", "pg_toast", "mysql", "performance_schema", "sys"})
KINDS = ((ObjectKind.TABLE, "table"), (ObjectKind.VIEW, "view"), (ObjectKind.MATERIALIZED_VIEW, "materialized view"))
FOREIGN_KEY_FIELDS = ("name", "constrained_columns", "referred_schema", "referred_table", "referred_columns")


def read_tables(connection: Connection, schemas: Sequence[str] = (), tables: Sequence[str] = (),
                progress: Callable[[str], None] = lambda _: None) -> tuple[list[TableMeta], Scope]:
    """The tables of the named schemas (by default the system's schema, else every schema of its database),
    only those named in `tables` (`name` or `schema.name`) when any are; every named table must exist.

    PostgreSQL is read in one repeatable-read snapshot, so a table dropped meanwhile is either whole or absent;
    elsewhere a table that vanishes while it is read is left out, as if it had been dropped just before.
    `progress` hears of each schema as it is read, for harvests of large systems.
    """
    where = f"system {connection.system.label}"
    engine = connection.engine(**_limits(connection.url))
    try:
        with engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                conn.execution_options(isolation_level="REPEATABLE READ")
            inspector = sa.inspect(conn)
            present = [s for s in inspector.get_schema_names() if s not in ENGINE_SCHEMAS]
            wanted = list(dict.fromkeys(schemas)) or ([connection.schema] if connection.schema else present)
            missing = [s for s in wanted if s not in present]
            if missing:
                raise HarvestError(f"{where} has no schema {', '.join(map(repr, missing))} at {connection.shown};"
                                   f" its schemas are {', '.join(present) or 'none'}")
            picked = _picked(tables, wanted) if tables else None
            found = []
            for number, schema in enumerate(wanted, start=1):
                found += _read_schema(inspector, schema, None if picked is None else picked.get(schema, []))
                progress(f"{connection.system.code}: schema {schema} read ({number} of {len(wanted)}),"
                         f" {len(found)} tables and views so far")
    except sa.exc.DBAPIError as error:
        raise HarvestError(f"{where} cannot be read at {connection.shown}: {first_line(error)}") from None
    except sa.exc.SQLAlchemyError as error:
        said = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise HarvestError(f"{where}: its metadata cannot be read at {connection.shown}: {said}") from None
    finally:
        engine.dispose()
    if picked is not None:
        _require_found(where, tables, picked, found)
    return found, Scope(tuple(wanted), None if picked is None else {s: tuple(n) for s, n in picked.items()})


def _require_found(where: str, tables: Sequence[str], picked: dict[str, list[str]], found: list[TableMeta]) -> None:
    """Every table asked for by name was read, in at least one of the schemas it could be in."""
    read = {(t.schema, t.name) for t in found}
    absent = [table for table in tables
              if not any((schema, name) in read for schema, names in picked.items() for name in names
                         if table in (name, f"{schema}.{name}"))]
    if absent:
        raise HarvestError(f"{where} has no table {', '.join(map(repr, absent))}")


def table_columns(engine: sa.Engine, schema: str | None, table: str) -> tuple[ColumnMeta, ...]:
    """One table's columns described as a harvest describes them (schema None: the connection's default);
    NoSuchTableError when it is not there. A daily extract compares them with the source's contract."""
    with engine.connect() as conn:
        inspector = sa.inspect(conn)
        return tuple(_column(inspector.dialect, position, column)
                     for position, column in enumerate(inspector.get_columns(table, schema=schema), start=1))


def _limits(url: sa.URL) -> dict:
    if url.get_backend_name() in ("postgresql", "mysql"):
        return {"connect_args": {"connect_timeout": CONNECT_TIMEOUT_SECONDS}}
    return {}


def _picked(tables: Sequence[str], schemas: Sequence[str]) -> dict[str, list[str]]:
    """Each schema's named tables; `schema.name` names one schema's table, a bare name that table in each."""
    picked: dict[str, list[str]] = {}
    for table in tables:
        schema, dot, name = table.partition(".")
        targets = [schema] if dot and schema in schemas else schemas
        for target in targets:
            picked.setdefault(target, []).append(name if dot and schema in schemas else table)
    return picked


def _read_schema(inspector: sa.Inspector, schema: str, names: list[str] | None) -> list[TableMeta]:
    if names is not None and not names:
        return []
    return sorted((table for kind, label in KINDS for table in _read_kind(inspector, schema, names, kind, label)),
                  key=lambda table: table.name)


def _read_kind(inspector: sa.Inspector, schema: str, names: list[str] | None, kind: ObjectKind,
               label: str) -> list[TableMeta]:
    columns = inspector.get_multi_columns(schema=schema, filter_names=names, kind=kind)
    if not columns:
        return []
    keys = inspector.get_multi_pk_constraint(schema=schema, filter_names=names, kind=kind)
    foreign = inspector.get_multi_foreign_keys(schema=schema, filter_names=names, kind=kind)
    try:
        comments = inspector.get_multi_table_comment(schema=schema, filter_names=names, kind=kind)
    except NotImplementedError:
        comments = {}
    return [
        TableMeta(
            schema=schema,
            name=table,
            kind=label,
            comment=(comments.get((schema, table)) or {}).get("text"),
            primary_key=tuple((keys.get((schema, table)) or {}).get("constrained_columns") or ()),
            foreign_keys=tuple({field: fk.get(field) for field in FOREIGN_KEY_FIELDS}
                               for fk in foreign.get((schema, table)) or []),
            columns=tuple(_column(inspector.dialect, position, column)
                          for position, column in enumerate(described, start=1)),
        )
        for (_, table), described in columns.items()
    ]


def _column(dialect: sa.Dialect, position: int, column: dict) -> ColumnMeta:
    kind = column["type"]
    try:
        said = kind.compile(dialect=dialect)
    except Exception:  # noqa: BLE001 — a type the dialect cannot spell back is still worth naming
        said = type(kind).__name__.upper()
    return ColumnMeta(
        name=column["name"],
        position=position,
        data_type=said,
        type_name=base_type(said),
        length=_number(getattr(kind, "length", None)),
        precision=_number(getattr(kind, "precision", None)),
        scale=_number(getattr(kind, "scale", None)),
        nullable=bool(column.get("nullable", True)),
        default=None if column.get("default") is None else str(column["default"]),
        comment=column.get("comment"),
    )


def base_type(said: str) -> str:
    """`VARCHAR(20) COLLATE utf8mb4_bin` → `VARCHAR`: what changes when a column is retyped, not resized."""
    bare = re.sub(r"\([^)]*\)", "", said)
    return re.split(r"\s+(?:COLLATE|CHARACTER SET)\s+", bare, flags=re.IGNORECASE)[0].strip().upper()


def _number(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
