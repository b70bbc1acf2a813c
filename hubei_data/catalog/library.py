"""The subject and share libraries built from registry/catalog/: each item from what it is taken from, as changed."""

from dataclasses import replace

from hubei_data.catalog.items import COUNT, FLAG, Item, code_list, from_source
from hubei_data.catalog.models import Dataset, Model
from hubei_data.contracts.sources import DECLARED
from hubei_data.registry import catalog as declared
from hubei_data.registry.catalog_references import KINDS, item_named, name_of
from hubei_data.registry.contents import Registry

# The layer prefix of a model's dbt name: registry/catalog/share/penalty_info.yaml builds shr_penalty_info.
PREFIXES = {"subject": "sub_", "share": "shr_"}
# What an item's type `count` or `flag` is: its PostgreSQL type and its standard; each is required unless it says.
IMPLIED = {"count": ("bigint", COUNT), "flag": ("boolean", FLAG)}
STATED = ("name", "chinese", "standard", "description", "share_type", "personal", "required", "accepted")


class _Library:
    """The items of every declared model, each built once, however many models take it."""

    def __init__(self, loaded: Registry):
        self.loaded = loaded
        self.built: dict[tuple[str, str, str], Item] = {}

    def item(self, library: str, model: str, name: str) -> Item:
        if (library, model, name) not in self.built:
            self.built[library, model, name] = self._built(item_named(self.loaded, library, model, name))
        return self.built[library, model, name]

    def items(self, library: str, model: str) -> tuple[Item, ...]:
        return tuple(self.item(library, model, name_of(each))
                     for each in getattr(self.loaded, KINDS[library])[model].items)

    def _built(self, item: declared.Item) -> Item:
        if item.taken_from is None:
            taken = Item(item.name, item.chinese, "text")
        else:
            library, model, name = declared.parts(item.taken_from)
            taken = from_source(model, name) if library == "source" else self.item(library, model, name)
        built = replace(taken, **_stated(item))
        if item.masked:
            return built.masked()
        return built.masked_on_delivery_only() if item.masked_on_delivery else built


def _stated(item: declared.Item) -> dict:
    """What an item's declaration says of it, in the catalog item's fields."""
    stated = {field: getattr(item, field) for field in STATED if getattr(item, field) is not None}
    if item.type is not None:
        data_type, standard = IMPLIED.get(item.type, (item.type, None))
        stated["data_type"] = data_type
        if standard:
            stated.setdefault("standard", standard)
            stated.setdefault("required", True)
    if item.accepted is not None:
        stated.setdefault("standard", code_list(item.accepted))
    if item.references is not None:
        library, model, name = declared.parts(item.references)
        stated["references"] = (PREFIXES[library] + model, name)
    return stated


def build(loaded: Registry) -> tuple[tuple[Model, ...], tuple[Dataset, ...]]:
    """The subject models, by provider in the order of the owners then by name, and the share datasets, by resource
    code (the order of the sharing list)."""
    library = _Library(loaded)
    providers = list(loaded.owners)
    subjects = tuple(
        Model(name=PREFIXES["subject"] + name, chinese=model.chinese, description=model.description,
              provider=loaded.owners[model.provider].full_name, key=model.key, items=library.items("subject", name))
        for name, model in sorted(loaded.subjects.items(), key=lambda each: (providers.index(each[1].provider),
                                                                            each[0])))
    shares = tuple(
        Dataset(name=PREFIXES["share"] + name, chinese=dataset.chinese, description=dataset.description,
                provider=loaded.owners[dataset.provider].full_name, key=dataset.key,
                items=library.items("share", name), summary=dataset.summary, resource_code=dataset.resource_code,
                category=dataset.category, share_type=dataset.share_type, conditions=dataset.conditions,
                consumers=dataset.consumers, method=dataset.method, update_frequency=dataset.update_frequency,
                record_level=dataset.record_level)
        for name, dataset in sorted(loaded.shares.items(), key=lambda each: each[1].resource_code))
    return subjects, shares


SUBJECT_MODELS, SHARE_DATASETS = build(DECLARED)
