"""A column's rules with their parameters, as dbt docs show them: each rule in the column's description and in
`meta.rules`, so the catalog says what a value must look like, not only the rule's name."""

from collections.abc import Sequence
from dataclasses import dataclass

from hubei_data.contracts.model import Rule
from hubei_data.registry import Registry


@dataclass(frozen=True)
class Documented:
    """What docs say of a column's rules: one sentence for the description, and the rules as `meta` holds them."""

    sentence: str
    rules: list[dict]
    standard: str | None


def documented(rules: Sequence[Rule], required: bool, element: str | None, registry: Registry) -> Documented:
    """The rules of a column whose data element is `element`: each with its parameters, the code list and version
    an accepted value comes from, and the standard the element follows (e.g. GB 11643-1999)."""
    listed = [{"rule": "required", "parameters": {}, "words": "a value in every row"}] if required else []
    listed += [_rule(rule, element, registry) for rule in rules]
    standard = _standard(element, registry)
    parts = [f"Standard: {standard}."] if standard else []
    if listed:
        parts.append("Rules: " + "; ".join(f"{each['rule']} ({each['words']})" for each in listed) + ".")
    return Documented(" ".join(parts), listed, standard)


def _rule(rule: Rule, element: str | None, registry: Registry) -> dict:
    code_list = registry.elements[element].code_list if element in registry.elements else None
    return rule.documented((code_list, registry.code_lists[code_list].version) if code_list is not None else None)


def _standard(element: str | None, registry: Registry) -> str | None:
    if element not in registry.elements:
        return None
    standard = registry.standards[registry.elements[element].standard]
    return f"{standard.code} {standard.chinese}"
