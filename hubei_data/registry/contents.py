"""What the registry holds: each kind of declaration with its file and model, and a loaded registry."""

from dataclasses import dataclass
from pathlib import Path

from hubei_data.registry.apis import API_MODES, Api
from hubei_data.registry.catalog import Share, Subject
from hubei_data.registry.errors import RegistryError
from hubei_data.registry.feeds import Feed
from hubei_data.registry.lists import Version
from hubei_data.registry.matters import Matter, Rejection
from hubei_data.registry.metrics import METRIC_KINDS, Dimension, Metric
from hubei_data.registry.sources import Owner, Source, System
from hubei_data.registry.spread import Spread, listed_under, one_a_file
from hubei_data.registry.standards import CodeList, Declaration, Element, Standard
from hubei_data.registry.subscriptions import MODES, Subscription


@dataclass(frozen=True)
class Kind:
    """A kind of declaration: what an error calls one entry, the file under the registry folder, its model."""

    label: str
    path: str
    model: type[Declaration]


KINDS = {
    "standards": Kind("standard", "standards/standards.yaml", Standard),
    "code_lists": Kind("code list", "standards/code_lists.yaml", CodeList),
    "elements": Kind("element", "standards/elements.yaml", Element),
    "owners": Kind("owner", "sources/_owners.yaml", Owner),
    "systems": Kind("system", "sources/_systems.yaml", System),
    "dimensions": Kind("dimension", "metrics/_dimensions.yaml", Dimension),
    "feeds": Kind("feed", "feeds.yaml", Feed),
}
# One file per source, named after it; files starting with _ hold what sources share.
SOURCES = Kind("source", "sources/{}.yaml", Source)
# Kinds whose entries are spread over the files of a folder: metrics in a file per area, one API, subscription,
# subject model or share dataset a file.
SPREAD = {
    "metrics": Spread("metrics", "metric", "code", Metric, listed_under("metrics"), "kind", METRIC_KINDS),
    "apis": Spread("apis", "API", "name", Api, one_a_file, "mode", API_MODES),
    "subscriptions": Spread("subscriptions", "subscription", "id", Subscription, one_a_file, "mode", MODES),
    "subjects": Spread("catalog/subject", "subject model", "name", Subject, one_a_file),
    "shares": Spread("catalog/share", "share dataset", "name", Share, one_a_file),
}


def shown(root: Path, kind: Kind, name: str = "") -> str:
    """A file as errors name it: from the registry folder down, e.g. registry/standards/elements.yaml."""
    return f"{root.name}/{kind.path.format(name)}"


@dataclass(frozen=True)
class Registry:
    """Every declaration, each valid alone and with the others."""

    root: Path
    standards: dict[str, Standard]
    code_lists: dict[str, CodeList]
    elements: dict[str, Element]
    owners: dict[str, Owner]
    systems: dict[str, System]
    sources: dict[str, Source]
    dimensions: dict[str, Dimension]
    feeds: dict[str, Feed]
    metrics: dict[str, Metric]
    apis: dict[str, Api]
    subscriptions: dict[str, Subscription]
    subjects: dict[str, Subject]
    shares: dict[str, Share]
    # The three lists by kind (a key of hubei_data.registry.lists.LISTS), the matters and the rejections by code.
    lists: dict[str, Version]
    matters: dict[str, Matter]
    rejections: dict[str, Rejection]
    # For each kind of SPREAD, the file (as errors name it) declaring each entry.
    declared_in: dict[str, dict[str, str]]

    def error(self, kind: str, name: str, field: str | None, reason: str) -> RegistryError:
        """The error for one entry of one kind (a key of KINDS or SPREAD, or "sources"), naming its file."""
        if kind in SPREAD:
            return RegistryError(self.declared_in[kind][name], f"{SPREAD[kind].label} {name}", field, reason)
        declared = SOURCES if kind == "sources" else KINDS[kind]
        return RegistryError(shown(self.root, declared, name), f"{declared.label} {name}", field, reason)

    def allowed_values(self, element: str) -> tuple[str, ...] | None:
        """The values an element allows as data carries them, or None when it takes no code list."""
        declared = self.elements[element]
        if declared.code_list is None:
            return None
        listed = self.code_lists[declared.code_list]
        codes = declared.values if declared.values is not None else tuple(value.code for value in listed.values)
        if declared.carries == "code":
            return codes
        return tuple(listed.find(code).label for code in codes)
