"""What declarations say of each other: every standard, code list, code and element they name exists, without cycles."""

from hubei_data.registry import code_list_history
from hubei_data.registry.contents import Registry
from hubei_data.registry.standards import When


def check(registry: Registry) -> None:
    """Raise the first reference that does not hold, as a RegistryError on the entry that makes it."""
    code_list_history.check(registry)
    for name, code_list in registry.code_lists.items():
        _known(registry, "code_lists", name, "standard", code_list.standard, registry.standards, "standard")
    for name, element in registry.elements.items():
        _known(registry, "elements", name, "standard", element.standard, registry.standards, "standard")
        if element.code_list is not None:
            _known(registry, "elements", name, "code_list", element.code_list, registry.code_lists, "code list")
            _codes_listed(registry, name)
    for name, element in registry.elements.items():
        for number, declared in enumerate(element.formats):
            if declared.when is not None:
                _condition_holds(registry, name, f"formats[{number}].when", declared.when)
    _no_cycle(registry)


def _known(registry: Registry, kind: str, name: str, field: str, named: str, declared: dict, what: str) -> None:
    if named not in declared:
        raise registry.error(kind, name, field, f"unknown {what} {named!r}; the {what}s are: {', '.join(declared)}")


def _codes_listed(registry: Registry, name: str) -> None:
    element = registry.elements[name]
    listed = registry.code_lists[element.code_list]
    version = f"code list {element.code_list} version {listed.version}"
    for code in element.values or ():
        if listed.find(code) is None:
            raise registry.error("elements", name, "values", f"code {code!r} is missing from {version}")
    if element.carries == "label":
        for code in element.values or [value.code for value in listed.values]:
            if listed.find(code).label is None:
                raise registry.error("elements", name, "carries", f"code {code!r} of {version} has no label to carry")


def _condition_holds(registry: Registry, name: str, field: str, when: When) -> None:
    _known(registry, "elements", name, f"{field}.element", when.element, registry.elements, "element")
    allowed = registry.allowed_values(when.element)
    if allowed is None:
        raise registry.error("elements", name, field, f"element {when.element} takes no code list to hold a value of")
    if when.value not in allowed:
        raise registry.error("elements", name, f"{field}.value", f"{when.value!r} is missing from the values"
                             f" of element {when.element}: {', '.join(allowed)}")


def _no_cycle(registry: Registry) -> None:
    """An element's format may depend on another element's value, but never, through others, on its own."""

    def depends(name: str) -> list[str]:
        return [declared.when.element for declared in registry.elements[name].formats if declared.when is not None]

    cycle = first_cycle(registry.elements, depends)
    if cycle:
        raise registry.error("elements", cycle[0], "formats", f"depends on itself: {' → '.join(cycle)}")


def first_cycle(names, depends) -> list[str] | None:
    """The first chain of names that leads back to where it started (a → b → a), following `depends`; None if none."""
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> list[str] | None:
        if name in path:
            return path[path.index(name):] + [name]
        if name in done:
            return None
        for other in depends(name):
            found = visit(other, [*path, name])
            if found:
                return found
        done.add(name)
        return None

    return next(filter(None, (visit(name, []) for name in names)), None)
