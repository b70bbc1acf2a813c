"""Reading a kind whose entries are spread over the files of a folder: every entry validated, every name declared
once, and the file declaring each kept for the errors that come later."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from pydantic import TypeAdapter

from hubei_data.registry import files
from hubei_data.registry.errors import RegistryError
from hubei_data.registry.explained import validate_tagged, validated


@dataclass(frozen=True)
class Spread:
    """A kind kept in a folder: what an error calls one entry, the field naming it, the model, how a file's document
    holds its entries, and for a kind of several models the field telling which (with the values it takes)."""

    folder: str
    label: str
    key: str
    model: object
    # The entries of one file's document, each with what to call it if it names itself wrongly or not at all.
    entries: Callable[[object, str, Path], Iterable[tuple[str, object]]]
    tag_field: str | None = None
    tags: tuple[str, ...] = ()

    def load(self, root: Path) -> tuple[dict, dict[str, str]]:
        """Every entry by name, and the file (as errors name it) declaring each."""
        adapter = TypeAdapter(self.model)
        declared, declared_in = {}, {}
        for path in files.declared(root / self.folder):
            file = f"{root.name}/{self.folder}/{path.name}"
            for fallback, document in self.entries(files.read(path, file), file, path):
                name = document.get(self.key) if isinstance(document, dict) else None
                shown = str(name) if name else fallback
                if name in declared:
                    raise RegistryError(file, f"{self.label} {shown}", self.key,
                                        f"already declared in {declared_in[name]}")
                if self.tag_field:
                    declared[name] = validate_tagged(adapter, self.tag_field, self.tags, document, file, self.label,
                                                     shown)
                else:
                    declared[name] = validated(adapter, document, file, self.label, shown)
                declared_in[name] = file
        return declared, declared_in


def one_a_file(document, file: str, path: Path) -> list[tuple[str, object]]:
    """A file holding one entry, called after the file until it names itself."""
    return [(path.stem, document)]


def listed_under(field: str) -> Callable[[object, str, Path], list[tuple[str, object]]]:
    """Files holding a list of entries under `field`, each called by its place in the list until it names itself."""

    def entries(document, file: str, path: Path) -> list[tuple[str, object]]:
        if not isinstance(document, dict) or set(document) != {field} or not isinstance(document[field], list):
            raise RegistryError(file, None, None, f"a {path.parent.name} file is a mapping with a list under `{field}`")
        return [(f"[{number}]", entry) for number, entry in enumerate(document[field])]

    return entries
