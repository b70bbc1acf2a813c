"""The source layouts of the interface (docs/sources.md), built from their declarations in registry/sources/."""

from hubei_data import registry
from hubei_data.contracts import model as m
from hubei_data.registry import sources as declared
from hubei_data.registry.contents import Registry

# The checks and date rule a file names by a word.
WORD_RULES = {"uscc": m.Uscc(), "resident_id": m.ResidentId(), "hubei_division": m.HubeiDivision(),
              "not_future": m.NotFuture()}


def build(loaded: Registry) -> dict[str, m.Source]:
    """Every source as the contract objects the platform reads, in the order of their names."""
    return {name: _source(loaded, name, source) for name, source in sorted(loaded.sources.items(), key=_order)}


def _order(item: tuple[str, declared.Source]) -> tuple:
    """Sources in the order the interface lists them: by `order`, then those without one by name."""
    return item[1].order is None, item[1].order or 0, item[0]


def _source(loaded: Registry, name: str, source: declared.Source) -> m.Source:
    system = loaded.systems[source.system]
    return m.Source(
        name=name, chinese=source.chinese, owner=loaded.owners[system.owner].chinese, system=system.chinese,
        system_english=system.english, system_code=source.system, channel=source.channel, key=source.key,
        columns=tuple(_column(loaded, source, column_name, column) for column_name, column in source.columns.items()),
        one_of_required=source.one_of_required, description=source.description or "", table=source.table,
        resource_code=source.resource_code,
    )


def _column(loaded: Registry, source: declared.Source, name: str, column: declared.Column) -> m.Column:
    rules = tuple(built for rule in column.rules for built in _rules(loaded, source, rule))
    return m.Column(name, column.chinese, column.type, column.required, column.code, column.length, rules,
                    column.element)


def _rules(loaded: Registry, source: declared.Source, rule) -> tuple[m.Rule, ...]:
    """The contract rules one declared rule stands for (a pattern: one per format its element declares)."""
    if isinstance(rule, str):
        return (WORD_RULES[rule],)
    if isinstance(rule, declared.Pattern):
        return tuple(_pattern(source, rule.pattern, each) for each in loaded.elements[rule.pattern].formats)
    built = {
        declared.OneOf: lambda: m.OneOf(rule.one_of),
        declared.After: lambda: m.After(rule.after),
        declared.OnOrAfter: lambda: m.After(rule.on_or_after, inclusive=True),
        declared.Between: lambda: m.Between(rule.between.low, rule.between.high),
        declared.RequiredWhen: lambda: m.RequiredWhen(rule.required_when.column, rule.required_when.equals),
        declared.BirthDateIn: lambda: m.BirthDateMatchesId(rule.birth_date_in),
        declared.ExistsIn: lambda: m.ExistsIn(rule.exists_in.source, rule.exists_in.column),
    }
    return (built[type(rule)](),)


def _pattern(source: declared.Source, element: str, declared_format) -> m.Pattern:
    when = None
    if declared_format.when is not None:
        column = next(name for name, column in source.columns.items() if column.element == declared_format.when.element)
        when = (column, declared_format.when.value)
    return m.Pattern(element, declared_format.pattern, declared_format.shape, when)


DECLARED = registry.load()
SOURCES: dict[str, m.Source] = build(DECLARED)
# Each owner's Chinese name, as sources carry it, with its English one, as the interface document titles it.
OWNERS = {owner.chinese: owner.english for owner in DECLARED.owners.values()}
