"""What sources say of the rest: their systems, owners, columns, elements, code-list values and other sources exist,
and no source checks its values against itself through others."""

from hubei_data.registry import sources as s
from hubei_data.registry.contents import SOURCES, Registry, shown
from hubei_data.registry.references import first_cycle


def check(registry: Registry) -> None:
    """Raise the first reference that does not hold, as a RegistryError on the entry that makes it."""
    for code, system in registry.systems.items():
        if system.owner not in registry.owners:
            raise registry.error("systems", code, "owner", _unknown("owner", system.owner, registry.owners))
    for name, source in registry.sources.items():
        _source(registry, name, source)
    _resource_codes(registry)
    _no_cycle(registry)


def _unknown(what: str, named: str, declared) -> str:
    return f"unknown {what} {named!r}; the {what}s are: {', '.join(declared)}"


def _source(registry: Registry, name: str, source: s.Source) -> None:
    def fail(field: str, reason: str):
        return registry.error("sources", name, field, reason)

    if source.system not in registry.systems:
        raise fail("system", _unknown("system", source.system, registry.systems)
                   + " (declare a new one in registry/sources/_systems.yaml)")
    for field in ("key", "one_of_required"):
        for column in getattr(source, field):
            if column not in source.columns:
                raise fail(field, _unknown("column", column, source.columns))
    for column_name, column in source.columns.items():
        if column.element is not None and column.element not in registry.elements:
            raise fail(f"columns.{column_name}.element", _unknown("element", column.element, registry.elements))
        for number, rule in enumerate(column.rules):
            problem = _rule_problem(registry, source, column, rule)
            if problem:
                raise fail(f"columns.{column_name}.rules[{number}].{problem[0]}".rstrip("."), problem[1])


def _rule_problem(registry: Registry, source: s.Source, column: s.Column, rule) -> tuple[str, str] | None:
    """The field of the rule that names something missing, and why; None when all it names exists."""
    named = {s.After: lambda r: r.after, s.OnOrAfter: lambda r: r.on_or_after, s.BirthDateIn: lambda r: r.birth_date_in,
             s.RequiredWhen: lambda r: r.required_when.column}
    if type(rule) in named and named[type(rule)](rule) not in source.columns:
        field = "required_when.column" if isinstance(rule, s.RequiredWhen) else next(iter(type(rule).model_fields))
        return field, _unknown("column", named[type(rule)](rule), source.columns)
    if isinstance(rule, s.ExistsIn):
        return _reference_problem(registry, rule.exists_in)
    if isinstance(rule, s.Pattern):
        return _pattern_problem(registry, source, rule.pattern)
    if isinstance(rule, s.OneOf):
        return _values_problem(registry, column, rule.one_of)
    return None


def _reference_problem(registry: Registry, reference: s.Reference) -> tuple[str, str] | None:
    if reference.source not in registry.sources:
        return "exists_in.source", _unknown("source", reference.source, registry.sources)
    if reference.column not in registry.sources[reference.source].columns:
        return "exists_in.column", _unknown("column", reference.column, registry.sources[reference.source].columns) \
            + f" (of source {reference.source})"
    return None


def _pattern_problem(registry: Registry, source: s.Source, element: str) -> tuple[str, str] | None:
    if element not in registry.elements:
        return "pattern", _unknown("element", element, registry.elements)
    formats = registry.elements[element].formats
    if not formats:
        return "pattern", f"element {element} declares no formats"
    for declared in formats:
        if declared.when is not None and len(_columns_of(source, declared.when.element)) != 1:
            return "pattern", (f"a format of element {element} holds when element {declared.when.element} is"
                               f" {declared.when.value}: the source needs exactly one column of that element")
    return None


def _values_problem(registry: Registry, column: s.Column, values: tuple[str, ...]) -> tuple[str, str] | None:
    if column.element is None or registry.allowed_values(column.element) is None:
        return None
    allowed = registry.allowed_values(column.element)
    element = registry.elements[column.element]
    for value in values:
        if value not in allowed:
            listed = registry.code_lists[element.code_list]
            return "one_of", (f"{value!r} is missing from code list {element.code_list} version {listed.version}"
                              f" as element {column.element} allows it: {', '.join(allowed)}")
    return None


def _columns_of(source: s.Source, element: str) -> list[str]:
    """The source's columns holding a data element, which a format's condition on that element reads."""
    return [name for name, column in source.columns.items() if column.element == element]


def _resource_codes(registry: Registry) -> None:
    """Each source's catalog code carries its owner's office and is no other source's: a catalog entry is one table."""
    holders: dict[str, str] = {}
    for name, source in sorted(registry.sources.items()):
        code = source.resource_code
        office, named = registry.owners[registry.systems[source.system].owner].office, s.office_of(code)
        if named != office:
            raise registry.error("sources", name, "resource_code", f"{code} names office {named}, but system"
                                                                   f" {source.system}'s owner is office {office}")
        if code in holders:
            other = holders[code]
            raise registry.error("sources", name, "resource_code",
                                 f"{code} is already source {other}'s, in {shown(registry.root, SOURCES, other)}")
        holders[code] = name


def _no_cycle(registry: Registry) -> None:
    """A source may check its values against another's, but never, through others, against its own."""

    def checks(name: str) -> list[tuple[str, str]]:
        """Each source the named one checks values against, with the field that says so."""
        return [(rule.exists_in.source, f"columns.{column_name}.rules[{number}].exists_in.source")
                for column_name, column in registry.sources[name].columns.items()
                for number, rule in enumerate(column.rules) if isinstance(rule, s.ExistsIn)]

    cycle = first_cycle(registry.sources, lambda name: [other for other, _ in checks(name)])
    if cycle:
        field = next(field for other, field in checks(cycle[0]) if other == cycle[1])
        raise registry.error("sources", cycle[0], field, f"checks against itself: {' → '.join(cycle)}")
