"""`hubei-data metadata`: harvest a business system's metadata (元数据采集), its versions, diffs and candidates, and
register a harvested table as a source."""

import click
import yaml

from hubei_data.cli.gate import acting, note
from hubei_data.cli.output import FORMATS, emit
from hubei_data.control.schema import connect_current
from hubei_data.metadata.model import HarvestError

_format = click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)


def _system_version(conn, code: str, version: int | None) -> tuple[str, int]:
    """The system by its code and one of its versions (the latest by default), or one line saying why not."""
    from hubei_data import systems
    from hubei_data.metadata import store

    try:
        return systems.system(code).code, store.resolve(conn, code, version)
    except (systems.SourceSystemError, HarvestError) as error:
        raise click.ClickException(str(error)) from None


@click.group()
def metadata() -> None:
    """Metadata (元数据): harvest what a business system's database holds and compare its versions."""


@metadata.command("systems")
@_format
def list_systems(fmt: str) -> None:
    """Every business system: its code, the sources it feeds, where it is read (password hidden) and its latest
    metadata version."""
    from hubei_data import systems
    from hubei_data.contracts import SOURCES

    with connect_current() as conn:
        latest = {system: (version, at) for system, version, at in conn.execute(
            "select distinct on (system) system, version, harvested_at from ops.metadata_versions"
            " order by system, version desc")}
    rows = []
    for code, system in sorted(systems.systems().items()):
        try:
            found = systems.connection(code)
            through, url, schema = found.via, found.shown, found.schema
        except systems.SourceSystemError as error:
            through, url, schema = "misconfigured", str(error), None
        version, at = latest.get(code, (None, None))
        rows.append([code, system.chinese, ", ".join(s.name for s in SOURCES.values() if s.system_code == code),
                     through, url, schema, version, at])
    emit(["system", "name", "sources", "read_through", "url", "schema", "latest_version", "harvested_at"], rows, fmt)


@metadata.command()
@click.argument("system")
@click.option("--schema", "schemas", multiple=True,
              help="Schema to read (repeatable).  [default: the system's schema, else every schema]")
@click.option("--table", "tables", multiple=True, help="Only this table, `name` or `schema.name` (repeatable).")
def harvest(system: str, schemas: tuple[str, ...], tables: tuple[str, ...]) -> None:
    """Read the system's schemas, tables and columns now and keep them as its next version; named tables (manual
    sync) replace only themselves in it. An unknown or unreachable system stores nothing."""
    from hubei_data.metadata.harvest import harvest as run

    with connect_current(autocommit=True) as conn:
        try:
            saved = run(conn, system, acting().username, schemas, tables, lambda line: click.echo(line, err=True))
        except HarvestError as error:
            raise click.ClickException(str(error)) from None
    tables_held = f"{saved.tables} table{'' if saved.tables == 1 else 's'}"
    if saved.new:
        click.echo(f"{system}: version {saved.version}, {tables_held}")
    else:
        click.echo(f"{system}: unchanged, still version {saved.version} ({tables_held})")


@metadata.command()
@click.argument("system")
@_format
def versions(system: str, fmt: str) -> None:
    """Every metadata version of the system, newest first: when, by whom, from where and what it read."""
    from hubei_data.metadata import store

    with connect_current() as conn:
        code, _ = _system_version(conn, system, None)
        rows = store.versions(conn, code)
    emit(["version", "harvested_at", "harvested_by", "confirmed_at", "tables", "columns", "scope", "origin"],
         [[v.version, v.harvested_at, v.harvested_by, v.confirmed_at, v.tables, v.columns, v.scope, v.origin]
          for v in rows], fmt)


@metadata.command()
@click.argument("system")
@click.option("--version", type=int, help="A version number.  [default: the latest]")
@_format
def show(system: str, version: int | None, fmt: str) -> None:
    """Each column of each table and view in a version: type, length, nullability, keys, default and comments."""
    from hubei_data.metadata import store

    with connect_current() as conn:
        code, number = _system_version(conn, system, version)
        tables = store.load(conn, code, number)
    rows = []
    for table in tables:
        references = {column: f"{fk['referred_schema'] or table.schema}.{fk['referred_table']}.{target}"
                      for fk in table.foreign_keys
                      for column, target in zip(fk["constrained_columns"], fk["referred_columns"])}
        rows += [[table.schema, table.name, table.kind, c.name, c.data_type, c.length, "yes" if c.nullable else "no",
                  "PK" if c.name in table.primary_key else None, references.get(c.name), c.default, c.comment,
                  table.comment] for c in table.columns]
    emit(["schema", "table", "kind", "column", "type", "length", "nullable", "key", "references", "default", "comment",
          "table_comment"], rows, fmt, empty=f"{code} version {number} holds no tables")


@metadata.command()
@click.argument("system")
@click.option("--from", "first", type=int, help="The older version.  [default: the one before --to]")
@click.option("--to", "second", type=int, help="The newer version.  [default: the latest]")
@_format
def diff(system: str, first: int | None, second: int | None, fmt: str) -> None:
    """What changed between two versions: tables and columns added or removed, retyped, lengthened or shortened,
    nullability and primary keys."""
    from hubei_data.metadata import store
    from hubei_data.metadata.diff import diff as compare

    with connect_current() as conn:
        code, to = _system_version(conn, system, second)
        if first is None and to == 1:
            raise click.ClickException(f"{code} has nothing before version 1 to compare it with")
        _, since = _system_version(conn, code, to - 1 if first is None else first)
        changes = compare(store.load(conn, code, since), store.load(conn, code, to))
    emit(["table", "column", "change", "before", "after"],
         [[c.table, c.column, c.kind, c.before, c.after] for c in changes], fmt,
         empty=f"{code}: no change from version {since} to {to}")


@metadata.command()
@click.argument("system")
@click.option("--version", type=int, help="A version number.  [default: the latest]")
def candidates(system: str, version: int | None) -> None:
    """Tables of the system no source reads yet, each with the source declaration (YAML) `metadata register` would
    write for it, its columns filled in."""
    from hubei_data import registry
    from hubei_data.metadata import store
    from hubei_data.metadata.candidates import candidates as unregistered
    from hubei_data.metadata.candidates import skeleton

    with connect_current() as conn:
        code, number = _system_version(conn, system, version)
        found = unregistered(store.load(conn, code, number))
    if not found:
        click.echo(f"{code} version {number}: every table is registered as a source", err=True)
        return
    elements = registry.load().elements
    click.echo(yaml.safe_dump_all([{"name": table.name, "table": table.qualified, "kind": table.kind,
                                    "declaration": skeleton(elements, code, table)} for table in found],
                                  allow_unicode=True, sort_keys=False), nl=False)

@metadata.command()
@click.argument("system")
@click.argument("table")
@click.option("--as", "name", help="The source's name.  [default: the table's]")
@click.option("--key", "key", multiple=True, help="A column of the business key (repeatable).  [default: the table's"
                                                  " primary key]")
@click.option("--chinese", help="The source's Chinese name.  [default: the table's comment, else its name]")
def register(system: str, table: str, name: str | None, key: tuple[str, ...], chinese: str | None) -> None:
    """Register a harvested table as a source: write registry/sources/NAME.yaml pre-filled from the system's latest
    metadata version, checked with the whole registry, and generate its raw, staging, resource and quarantine
    models. An existing source, an unknown table or a system not yet harvested writes nothing."""
    from hubei_data import registry
    from hubei_data.metadata import register as registering
    from hubei_data.metadata import store

    with connect_current() as conn:
        code, number = _system_version(conn, system, None)
        tables = store.load(conn, code, number)
    try:
        found = registering.find(tables, code, number, table)
        name = name or found.name
        described = registering.document(registry.load(), code, found, name, key, chinese)
        path = registering.write(registry.project_registry(), name, described, f"{code} version {number}, {found.qualified}")
        changed = registering.regenerate(path)
    except (HarvestError, registry.RegistryError) as error:
        raise click.ClickException(str(error)) from None
    note(source=name, file=str(path), version=number)
    click.echo(f"{path.relative_to(registry.project_registry().parent)}: source {name} from {code} version {number},"
               f" {found.qualified}; {len(changed)} generated files written")
