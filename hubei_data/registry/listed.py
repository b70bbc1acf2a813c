"""Reading the three lists, the matters and the rejections: files of entries by code, each error naming its entry."""

from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from hubei_data.registry import files
from hubei_data.registry.errors import RegistryError
from hubei_data.registry.explained import explained, first
from hubei_data.registry.lists import LISTS, ListCode
from hubei_data.registry.matters import CODED


def read_list(root: Path, kind: str, document=None):
    """One list (a key of LISTS) from its file under `root`, or from `document` as if it were that file: each entry
    validated by its code, then the list's version."""
    declared = LISTS[kind]
    file = f"{root.name}/{declared.path}"
    if document is None:
        document = files.read(root / declared.path, file)
    if not isinstance(document, dict) or not isinstance(document.get("entries"), dict):
        raise RegistryError(file, None, None, "a list is a mapping with its version and its entries by code under"
                                              " `entries`")
    entries = {code: _entry(declared.entry, declared.label, file, code, entry)
               for code, entry in document["entries"].items()}
    try:
        return declared.model.model_validate({**document, "entries": entries})
    except ValidationError as error:
        problem = first(error)
        field = ".".join(str(part) for part in problem["loc"]) or None
        raise RegistryError(file, None, field, explained(problem, file, declared.label, None).reason) from None


def read_coded(root: Path, kind: str) -> dict:
    """The matters or the rejections (a key of CODED) by code."""
    path, model, label = CODED[kind]
    file = f"{root.name}/{path}"
    document = files.read(root / path, file)
    if not isinstance(document, dict):
        raise RegistryError(file, None, None, f"a mapping of each {label} by its code")
    return {code: _entry(model, label, file, code, entry) for code, entry in document.items()}


def _entry(model, label: str, file: str, code, document):
    try:
        TypeAdapter(ListCode).validate_python(code)
    except ValidationError as error:
        raise explained(first(error), file, label, code) from None
    try:
        return model.model_validate(document)
    except ValidationError as error:
        raise explained(first(error), file, label, code) from None


def error(root: Path, kind: str, code: str, field: str | None, reason: str) -> RegistryError:
    """The error for one entry of a list (a key of LISTS) or of the matters or rejections (a key of CODED)."""
    if kind in LISTS:
        path, label = LISTS[kind].path, LISTS[kind].label
    else:
        path, _, label = CODED[kind]
    return RegistryError(f"{root.name}/{path}", f"{label} {code}", field, reason)
