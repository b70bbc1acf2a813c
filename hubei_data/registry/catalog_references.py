"""What subject models and share datasets name, and the share datasets feeds and wizard APIs follow: all there, and
holding together."""

from hubei_data.registry.catalog import PERSONAL, Item, parts
from hubei_data.registry.contents import SPREAD, Registry
from hubei_data.registry.references import first_cycle

# The kind of the registry each library of a reference names (its key in SPREAD).
KINDS = {"subject": "subjects", "share": "shares"}


def check(registry: Registry) -> None:
    """Raise the first reference that does not hold, as a RegistryError on the entry that makes it: a provider that is
    no owner, an item taken from or referencing a model, item or column that does not exist, models taking items from
    each other in a cycle, an item named twice, a key naming no item, masking what holds no personal data or is masked
    already, a resource code given twice, a feed or wizard API following no share dataset."""
    for kind in KINDS.values():
        for name, model in getattr(registry, kind).items():
            if model.provider not in registry.owners:
                raise registry.error(kind, name, "provider", _unknown("owner", model.provider, registry.owners)
                                     + " (declared in registry/sources/_owners.yaml)")
            for number, item in enumerate(model.items):
                _entry_known(registry, kind, name, number, item)
    _no_cycle(registry)
    for kind in KINDS.values():
        for name, model in getattr(registry, kind).items():
            for number, item in enumerate(model.items):
                for field in ("from", "references"):
                    reason = _item_problem(registry, item.taken_from if field == "from" else item.references)
                    if reason:
                        raise registry.error(kind, name, f"items[{number}].{field}", reason)
    for kind in KINDS.values():
        for name, model in getattr(registry, kind).items():
            _items(registry, kind, name, model)
    coded: dict[str, str] = {}
    for name, share in registry.shares.items():
        if share.resource_code in coded:
            raise registry.error("shares", name, "resource_code",
                                 f"{share.resource_code} is share dataset {coded[share.resource_code]}'s already")
        coded[share.resource_code] = name
    following = [("feeds", name, feed.dataset) for name, feed in registry.feeds.items()]
    following += [("apis", name, api.dataset) for name, api in registry.apis.items() if api.mode == "wizard"]
    for kind, name, dataset in following:
        if dataset not in registry.shares:
            raise registry.error(kind, name, "dataset",
                                 f"{dataset!r} is not a share dataset ({', '.join(registry.shares)})")


def name_of(item: Item) -> str:
    """An item's name: its own, or that of the item or column it is taken from."""
    return item.name or parts(item.taken_from)[2]


def item_named(registry: Registry, library: str, model: str, name: str) -> Item | None:
    """The item of that name of a subject model or share dataset, as declared; None when it has none."""
    return next((item for item in getattr(registry, KINDS[library])[model].items if name_of(item) == name), None)


def _taken(registry: Registry, item: Item) -> Item | None:
    """The subject or share item an item is taken from; None for its own or a source column's."""
    if item.taken_from is None or parts(item.taken_from)[0] == "source":
        return None
    return item_named(registry, *parts(item.taken_from))


def _personal(registry: Registry, item: Item) -> str | None:
    """The kind of personal data an item holds: its own word, else that of the item it is taken from."""
    if item.personal is not None:
        return item.personal
    source = _taken(registry, item)
    return _personal(registry, source) if source else None


def _masked(registry: Registry, item: Item) -> bool:
    """Whether an item is masked, or masked on delivery, here or where it is taken from."""
    source = _taken(registry, item)
    return item.masked or item.masked_on_delivery or (source is not None and _masked(registry, source))


def _unknown(what: str, named: str, declared) -> str:
    return f"unknown {what} {named!r}; the {what}s are: {', '.join(declared)}"


def _entries(registry: Registry, library: str) -> dict:
    return registry.sources if library == "source" else getattr(registry, KINDS[library])


def _entry_known(registry: Registry, kind: str, name: str, number: int, item: Item) -> None:
    for field in ("from", "references"):
        reference = item.taken_from if field == "from" else item.references
        if reference is None:
            continue
        library, entry, _ = parts(reference)
        label = "source" if library == "source" else SPREAD[KINDS[library]].label
        if entry not in _entries(registry, library):
            raise registry.error(kind, name, f"items[{number}].{field}",
                                 _unknown(label, entry, _entries(registry, library)))


def _no_cycle(registry: Registry) -> None:
    """A model may take items from another, but never, through others, from itself."""

    def takes(model: str) -> list[str]:
        library, name = model.split(".")
        return [".".join(parts(item.taken_from)[:2]) for item in getattr(registry, KINDS[library])[name].items
                if item.taken_from is not None and parts(item.taken_from)[0] != "source"]

    cycle = first_cycle([f"{library}.{name}" for library, kind in KINDS.items() for name in getattr(registry, kind)],
                        takes)
    if cycle:
        library, name = cycle[0].split(".")
        raise registry.error(KINDS[library], name, None, f"takes items from itself: {' → '.join(cycle)}")


def _items(registry: Registry, kind: str, name: str, model) -> None:
    def fail(field: str, reason: str):
        return registry.error(kind, name, field, reason)

    seen: dict[str, int] = {}
    for number, item in enumerate(model.items):
        named = name_of(item)
        if named in seen:
            raise fail(f"items[{number}]", f"item {named!r} is declared twice (first as items[{seen[named]}])")
        seen[named] = number
        if (item.masked or item.masked_on_delivery) and _personal(registry, item) is None:
            raise fail(f"items[{number}].{'masked' if item.masked else 'masked_on_delivery'}",
                       f"item {named!r} holds no personal data to mask: say which with personal"
                       f" ({', '.join(PERSONAL)})")
        source = _taken(registry, item)
        if (item.masked or item.masked_on_delivery) and source and _masked(registry, source):
            raise fail(f"items[{number}].from", f"item {named!r} is masked already in {item.taken_from}")
    for column in model.key:
        if column not in seen:
            raise fail("key", _unknown("item", column, seen))


def _item_problem(registry: Registry, reference: str | None) -> str | None:
    """Why the item or column a reference names is missing from its model or source; None when it is there."""
    if reference is None:
        return None
    library, entry, named = parts(reference)
    if library == "source":
        columns = registry.sources[entry].columns
        return None if named in columns else _unknown("column", named, columns) + f" (of source {entry})"
    if item_named(registry, library, entry, named) is not None:
        return None
    items = [name_of(item) for item in getattr(registry, KINDS[library])[entry].items]
    return _unknown("item", named, items) + f" (of {SPREAD[KINDS[library]].label} {entry})"
