"""A code list's versions: what each added and removed, and no code removed while an element or a rule needs it."""

from dataclasses import dataclass

from hubei_data.registry.contents import Registry
from hubei_data.registry.standards import CodeList, CodeListVersion, CodeValue


@dataclass(frozen=True)
class Change:
    """What one version of a code list changed against the version before it (the first adds every value)."""

    version: CodeListVersion
    added: tuple[CodeValue, ...]
    removed: tuple[CodeValue, ...]
    current: bool


def changes(listed: CodeList) -> list[Change]:
    """Every version of the list, oldest first, with the values it added and removed."""
    found, before = [], None
    for version in listed.versions:
        codes = {value.code for value in version.values}
        known = set() if before is None else {value.code for value in before.values}
        found.append(Change(version, tuple(v for v in version.values if v.code not in known),
                            () if before is None else tuple(v for v in before.values if v.code not in codes),
                            version is listed.current))
        before = version
    return found


def check(registry: Registry) -> None:
    """Refuse a version that removes a code an element still allows, a format still depends on or a source's
    `one_of` rule still accepts, naming the code list, the version that removed it and who still needs it."""
    for name, listed in registry.code_lists.items():
        needed = _needed(registry, name)
        for number, change in enumerate(changes(listed)):
            for value in change.removed:
                if value.code in needed and listed.find(value.code) is None:
                    raise registry.error("code_lists", name, f"versions[{number}]",
                                         f"version {change.version.version} removes code {value.code!r},"
                                         f" which {needed[value.code]} still needs")


def _needed(registry: Registry, name: str) -> dict[str, str]:
    """The codes of a list that declarations name, each with who names it."""
    listed = registry.code_lists[name]
    every = {value.code: value for version in listed.versions for value in version.values}

    def code(value: str) -> str:
        """Data may carry a code or its label: the code either way."""
        return next((c for c, v in every.items() if value in (c, v.label)), value)

    def listed_by(element: str | None) -> bool:
        return element in registry.elements and registry.elements[element].code_list == name

    named = []
    for element_name, element in registry.elements.items():
        if element.code_list == name:
            named += [(c, f"element {element_name} (values)") for c in element.values or ()]
        for declared in element.formats:
            if declared.when is not None and listed_by(declared.when.element):
                named.append((code(declared.when.value), f"element {element_name} (formats when"
                                                         f" {declared.when.element} is {declared.when.value})"))
    for source_name, source in registry.sources.items():
        for column_name, column in source.columns.items():
            for rule in column.rules if listed_by(column.element) else ():
                named += [(code(value), f"source {source_name} column {column_name} (one_of)")
                          for value in getattr(rule, "one_of", ())]
    needed: dict[str, str] = {}
    for each, who in named:
        needed.setdefault(each, who)
    return needed
