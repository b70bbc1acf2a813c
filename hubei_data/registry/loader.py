"""The one loader: every registry file read, validated by its model and checked against the others, or one error."""

import difflib
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from hubei_data.registry import files, references
from hubei_data.registry.contents import KINDS, Kind, Registry, shown
from hubei_data.registry.errors import RegistryError
from hubei_data.registry.standards import Declaration, Name

REGISTRY = Path(__file__).resolve().parents[2] / "registry"
# Every field any declaration has, to suggest the one a typo meant.
_FIELDS = sorted({field for model in Declaration.__subclasses__() for field in model.model_fields})


def load(root: Path | None = None) -> Registry:
    """The whole registry under `root` (by default registry/), or a RegistryError for the first thing wrong:
    never a part of it."""
    root = root or REGISTRY
    registry = Registry(root, **{attribute: _entries(root, kind) for attribute, kind in KINDS.items()})
    references.check(registry)
    return registry


def _entries(root: Path, kind: Kind) -> dict:
    file = shown(root, kind)
    document = files.read(root / kind.path, file)
    try:
        return TypeAdapter(dict[Name, kind.model]).validate_python(document)
    except ValidationError as error:
        raise _explained(error.errors()[0], file, kind) from None


def _explained(problem: dict, file: str, kind: Kind) -> RegistryError:
    """pydantic's account of one problem, in the registry's words: which entry, which field, why."""
    location = problem["loc"]
    entry = f"{kind.label} {location[0]}" if location else None
    path = [] if location[-1:] == ("[key]",) else location[1:]
    field = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in path).lstrip(".") or None
    return RegistryError(file, entry, field, _reason(problem))


def _reason(problem: dict) -> str:
    if problem["type"] == "extra_forbidden":
        guess = difflib.get_close_matches(str(problem["loc"][-1]), _FIELDS, n=1)
        return "unknown field" + (f"; did you mean {guess[0]}?" if guess else "")
    if problem["type"] == "missing":
        return "required"
    if problem["type"] == "value_error":
        return str(problem["ctx"]["error"])
    return problem["msg"].replace("Input should be", "must be")
