"""The one loader: every registry file read, validated by its model and checked against the others, or one error."""

import difflib
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from hubei_data import project
from hubei_data.registry import files, references, source_references
from hubei_data.registry.contents import KINDS, SOURCES, Kind, Registry, shown
from hubei_data.registry.errors import RegistryError
from hubei_data.registry.sources import RULE_NAMES
from hubei_data.registry.standards import Declaration, Name

REGISTRY = project.root() / "registry"
# Every field any declaration has, to suggest the one a typo meant.
_FIELDS = sorted({field for model in Declaration.__subclasses__() for field in model.model_fields})


def load(root: Path | None = None, adding: dict[str, object] | None = None) -> Registry:
    """The whole registry under `root` (by default registry/), or a RegistryError for the first thing wrong:
    never a part of it. `adding` holds source documents checked as if their files were already written."""
    root = root or REGISTRY
    registry = Registry(root, **{attribute: _entries(root, kind) for attribute, kind in KINDS.items()},
                        sources=_sources(root, adding or {}))
    references.check(registry)
    source_references.check(registry)
    return registry


def source_files(root: Path) -> list[Path]:
    """The files declaring one source each: registry/sources/<name>.yaml (or .yml)."""
    folder = root / "sources"
    return sorted(path for path in folder.glob("*.y*ml") if path.suffix in (".yaml", ".yml")
                  and not path.name.startswith("_"))


def _entries(root: Path, kind: Kind) -> dict:
    file = shown(root, kind)
    document = files.read(root / kind.path, file)
    try:
        return TypeAdapter(dict[Name, kind.model]).validate_python(document)
    except ValidationError as error:
        raise _explained(error.errors()[0], file, kind.label, None) from None


def _sources(root: Path, adding: dict[str, object]) -> dict:
    documents: dict[str, tuple[str, object]] = {}
    for path in source_files(root):
        file = f"{root.name}/sources/{path.name}"
        if path.stem in documents:
            raise RegistryError(file, f"{SOURCES.label} {path.stem}", None,
                                f"declared twice: also in {documents[path.stem][0]}")
        documents[path.stem] = (file, files.read(path, file))
    for name, document in adding.items():
        if name in documents:
            raise RegistryError(documents[name][0], f"{SOURCES.label} {name}", None, "already declared")
        documents[name] = (shown(root, SOURCES, name), document)
    adapter = TypeAdapter(SOURCES.model)
    declared = {}
    for name, (file, document) in documents.items():
        try:
            declared[TypeAdapter(Name).validate_python(name)] = adapter.validate_python(document)
        except ValidationError as error:
            raise _explained(error.errors()[0], file, SOURCES.label, name) from None
    return declared


def _explained(problem: dict, file: str, label: str, name: str | None) -> RegistryError:
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
        guess = difflib.get_close_matches(str(problem["loc"][-1]), _FIELDS, n=1)
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
