"""A harvested table registered as a source: its file written in registry/sources/, pre-filled from the latest
version of its system's metadata, checked by the registry before it is written."""

import os
import re
import subprocess
import sys
from pathlib import Path

from hubei_data import registry
from hubei_data.metadata.candidates import skeleton
from hubei_data.metadata.model import HarvestError, TableMeta
from hubei_data.registry import source_files
from hubei_data.registry.contents import Registry
from hubei_data.registry.sources import office_of


def find(tables: list[TableMeta], system: str, version: int, named: str) -> TableMeta:
    """The table `name` or `schema.name` of a harvested version, or one line listing those it has."""
    found = [table for table in tables if named in (table.name, table.qualified)]
    if len(found) == 1:
        return found[0]
    if found:
        raise HarvestError(f"{named} is in more than one schema of {system} version {version}: name it as"
                           f" {' or '.join(table.qualified for table in found)}")
    raise HarvestError(f"{system} version {version} has no table {named}; its tables are:"
                       f" {', '.join(table.qualified for table in tables) or 'none'}")


def document(declared: Registry, system: str, table: TableMeta, name: str, key: tuple[str, ...],
             chinese: str | None) -> dict:
    """The source's declaration pre-filled from the table (candidates.skeleton), with `chinese` as its name and
    `key` as its business key when given, and the next catalog code of its owner; a table without a primary key
    needs `key`."""
    described = skeleton(declared.elements, system, table, name)
    columns = [column.name for column in table.columns]
    if key:
        unknown = [column for column in key if column not in columns]
        if unknown:
            raise HarvestError(f"{table.qualified} has no column {', '.join(unknown)} to be the key; its columns"
                               f" are: {', '.join(columns)}")
        described["key"] = list(key)
    if not described["key"]:
        raise HarvestError(f"{table.qualified} has no primary key: name the business key with --key")
    if chinese:
        described["chinese"] = chinese
    if system in declared.systems:
        described = {field: value for field, value in described.items() if field != "columns"} | {
            "resource_code": next_resource_code(declared, system), "columns": described["columns"]}
    return described


def next_resource_code(declared: Registry, system: str) -> str:
    """The catalog code of a new source of the system: the next number of its owner's office, after the highest
    any source declares, so no other source's code changes."""
    office = declared.owners[declared.systems[system].owner].office
    taken = [int(source.resource_code[-4:]) for source in declared.sources.values()
             if office_of(source.resource_code) == office]
    return f"420000-{office}-ZY-{max(taken, default=0) + 1:04d}"


def write(root: Path, name: str, described: dict, origin: str) -> Path:
    """Check the source with the whole registry under `root`, then write its file; never over another's."""
    if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
        raise HarvestError(f"{name!r} cannot name a source: lowercase letters, digits and underscores, starting with"
                           " a letter (give one with --as)")
    path = root / "sources" / f"{name}.yaml"
    if path.exists():
        raise HarvestError(f"source {name} is already declared ({root.name}/sources/{path.name}); nothing written")
    registry.load(root, adding={name: described})
    with path.open("x", encoding="utf-8") as file:
        file.write(source_files.render(described, f"Registered from {origin}; complete the Chinese names, data"
                                                  " elements and rules."))
    return path


def regenerate(path: Path) -> list[str]:
    """Regenerate the models and docs in a new process, which reads the registry as it is now on disk; when that
    fails, the source's file goes again, so the source is registered with its models or not at all."""
    done = subprocess.run([sys.executable, "-m", "hubei_data.transform.codegen"], capture_output=True, text=True,
                          env=os.environ.copy())
    if done.returncode != 0:
        path.unlink()
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        raise HarvestError(f"generating the models failed, nothing registered: {lines[-1] if lines else 'no output'}")
    return done.stdout.splitlines()
