"""A code list's versions: what each added and removed, and no code removed while an element still allows it."""

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
    """Refuse a version that removes a code an element still allows or a format still depends on, naming the
    code list, the version that removed it and who still needs it."""
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
    needed = {}
    for element_name, element in registry.elements.items():
        if element.code_list == name:
            needed |= {code: f"element {element_name} (values)" for code in element.values or ()}
        for declared in element.formats:
            when = declared.when
            target = registry.elements.get(when.element) if when else None
            if target is not None and target.code_list == name:
                code = next((c for c, v in every.items() if when.value in (c, v.label)), when.value)
                needed[code] = f"element {element_name} (formats when {when.element} is {when.value})"
    return needed
