"""pydantic's account of what is wrong with a declaration, in the registry's words: which entry, which field, why."""

import difflib

from pydantic import TypeAdapter, ValidationError

from hubei_data.registry.errors import RegistryError
from hubei_data.registry.sources import RULE_NAMES
from hubei_data.registry.standards import Declaration


def _models(model: type) -> list[type]:
    """A model and every model built on it: each declaration, to suggest the field a typo meant."""
    return [model, *(each for sub in model.__subclasses__() for each in _models(sub))]


def validate_tagged(adapter: TypeAdapter, tag_field: str, tags: tuple[str, ...], document, file: str, label: str,
                    name: str):
    """One declaration of a union told apart by `tag_field` (whose values are `tags`), or the RegistryError naming
    the file, the entry, the field and why."""
    tag = document.get(tag_field) if isinstance(document, dict) else None
    if tag not in tags:
        raise RegistryError(file, f"{label} {name}", tag_field, f"{tag!r} is not one of {', '.join(tags)}")
    try:
        return adapter.validate_python(document)
    except ValidationError as error:
        problem = first(error)
        location = problem["loc"][1:] if problem["loc"][:1] == (tag,) else problem["loc"]
        raise explained({**problem, "loc": location}, file, label, name) from None


def validated(adapter: TypeAdapter, document, file: str, label: str, name: str):
    """One declaration of a single model, or the RegistryError naming the file, the entry, the field and why."""
    try:
        return adapter.validate_python(document)
    except ValidationError as error:
        raise explained(first(error), file, label, name) from None


def first(error) -> dict:
    """The problem to tell first: a field the model does not know, since a typo in a name also makes it missing."""
    problems = error.errors()
    return next((problem for problem in problems if problem["type"] == "extra_forbidden"), problems[0])


def explained(problem: dict, file: str, label: str, name: str | None) -> RegistryError:
    """pydantic's account of one problem, in the registry's words: which entry, which field, why.

    In a file of many entries the first step of the location is the entry; a source's file is one entry."""
    location = problem["loc"] if name is None else (name, *problem["loc"])
    entry = f"{label} {location[0]}" if location else None
    path = [] if location[-1:] == ("[key]",) else _untagged(location[1:])
    field = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in path).lstrip(".") or None
    return RegistryError(file, entry, field, _reason(problem))


def _untagged(location: tuple) -> list:
    """The location without the kind pydantic adds after a rule's index (the member of the rules' union it tried)."""
    return [part for number, part in enumerate(location)
            if not (number >= 2 and location[number - 2] == "rules" and isinstance(location[number - 1], int))]


def _reason(problem: dict) -> str:
    if problem["type"] == "extra_forbidden":
        fields = sorted({info.alias or field for model in _models(Declaration)
                         for field, info in model.model_fields.items()})
        if problem["loc"][-1] in fields:
            return "unknown field: not one this kind of declaration has"
        guess = difflib.get_close_matches(str(problem["loc"][-1]), fields, n=1)
        return "unknown field" + (f"; did you mean {guess[0]}?" if guess else "")
    if problem["type"] == "union_tag_invalid":
        tag = problem["ctx"]["tag"]
        guess = difflib.get_close_matches(tag, RULE_NAMES, n=1)
        return f"unknown rule {tag!r}" + (f"; did you mean {guess[0]}?" if guess else "") + \
            f" (the rules are: {', '.join(RULE_NAMES)})"
    if problem["type"] == "union_tag_not_found":
        return "a rule is one word, e.g. not_future, or one rule with its value, e.g. {one_of: [有效, 注销]}"
    if problem["type"] == "missing":
        return "required"
    if problem["type"] == "value_error":
        return str(problem["ctx"]["error"])
    return problem["msg"].replace("Input should be", "must be")
