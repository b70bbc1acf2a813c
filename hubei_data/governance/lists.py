"""The three lists checked against the catalog: every catalog code, data item, dataset and update cycle they name
exists. The catalog declares its entries outside the registry, so this check is here rather than in its loader."""

import dataclasses
from pathlib import Path

from hubei_data import registry
from hubei_data.api.spec import specs
from hubei_data.catalog.declared import declared_entries
from hubei_data.catalog.entry import Entry
from hubei_data.exchange.subscription import subscriptions_of
from hubei_data.ops.freshness import CYCLES
from hubei_data.registry import list_references, listed


def load(root: Path | None = None) -> registry.Registry:
    """The registry with its lists checked against the catalog's declared entries, or the first RegistryError."""
    declared = registry.load(root)
    check(declared, declared_entries())
    return declared


def replaced(declared: registry.Registry, kind: str, document) -> registry.Registry:
    """The registry with one list replaced by `document` (an import not written yet), checked whole as if it were
    the list's file."""
    changed = dataclasses.replace(declared, lists={**declared.lists, kind: listed.read_list(declared.root, kind,
                                                                                            document)})
    list_references.check(changed)
    check(changed, declared_entries())
    shared(changed)
    return changed


def shared(declared: registry.Registry) -> None:
    """Load the registry's data APIs and subscriptions as the service and pushes do, so one giving out an item of
    the negative list is refused, naming both."""
    specs(declared)
    subscriptions_of(declared)


def tables(entries: dict[str, Entry]) -> dict[str, Entry]:
    """Each table a catalog entry hangs on, by its name without the schema (as list items name it)."""
    return {entry.target.split(".", 1)[1]: entry for entry in entries.values() if entry.kind == "table"}


def check(declared: registry.Registry, entries: dict[str, Entry]) -> None:
    """Raise the first catalog code, data item, dataset or cycle a list names that the catalog (`entries`, by code:
    those the code declares, which the published versions start from) does not hold."""
    root = declared.root

    def known_codes(kind: str, code: str, codes) -> None:
        unknown = [each for each in codes if each not in entries]
        if unknown:
            raise listed.error(root, kind, code, "catalog", f"unknown catalog code {', '.join(unknown)}"
                                                            " (`hubei-data catalog list` shows the codes)")

    for code, duty in declared.lists["responsibilities"].entries.items():
        known_codes("responsibilities", code, duty.catalog)
        fields = {item.field for each in duty.catalog for item in entries[each].items}
        strangers = [field for field in duty.items if field not in fields]
        if strangers:
            raise listed.error(root, "responsibilities", code, "items",
                               f"{', '.join(strangers)} is no data item of {', '.join(duty.catalog)}")
        if duty.cycle not in CYCLES:
            raise listed.error(root, "responsibilities", code, "cycle",
                               f"{duty.cycle!r} is not an update cycle ({', '.join(CYCLES)})")
    shared = {name for name, entry in tables(entries).items() if entry.target.startswith("share.")}
    for code, demand in declared.lists["demands"].entries.items():
        known_codes("demands", code, demand.catalog)
        for number, met in enumerate(demand.met_by):
            if met.kind == "dataset" and met.name not in shared:
                raise listed.error(root, "demands", code, f"met_by[{number}].name",
                                   f"{met.name!r} is not a share dataset ({', '.join(sorted(shared))})")
    by_table = tables(entries)
    for code, negative in declared.lists["negative"].entries.items():
        if negative.item is None:
            continue
        table, _, field = negative.item.partition(".")
        if table not in by_table:
            raise listed.error(root, "negative", code, "item", f"{table!r} is no table of the catalog")
        if field not in {item.field for item in by_table[table].items}:
            raise listed.error(root, "negative", code, "item", f"{field!r} is no data item of {table}")
