"""The one loader: every registry file read, validated by its model and checked against the others, or one error."""

from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from hubei_data import project
from hubei_data.registry import (
    catalog_references,
    files,
    list_references,
    listed,
    metric_references,
    references,
    source_references,
)
from hubei_data.registry.contents import KINDS, SOURCES, SPREAD, Kind, Registry, shown
from hubei_data.registry.errors import RegistryError
from hubei_data.registry.explained import explained, first
from hubei_data.registry.lists import LISTS
from hubei_data.registry.matters import CODED
from hubei_data.registry.standards import Name



def project_registry() -> Path:
    """registry/ of the project the platform runs on, looked up when asked, so a project directory named after
    start-up (HUBEI_DATA_PROJECT_DIR) is the one read and written."""
    return project.root() / "registry"


def load(root: Path | None = None, adding: dict[str, object] | None = None) -> Registry:
    """The whole registry under `root` (by default registry/), or a RegistryError for the first thing wrong:
    never a part of it. `adding` holds source documents checked as if their files were already written."""
    root = root or project_registry()
    spread = {kind: declared.load(root) for kind, declared in SPREAD.items()}
    registry = Registry(root, **{attribute: _entries(root, kind) for attribute, kind in KINDS.items()},
                        sources=_sources(root, adding or {}), **{kind: entries for kind, (entries, _) in spread.items()},
                        lists={kind: listed.read_list(root, kind) for kind in LISTS},
                        **{kind: listed.read_coded(root, kind) for kind in CODED},
                        declared_in={kind: files_of for kind, (_, files_of) in spread.items()})
    references.check(registry)
    source_references.check(registry)
    metric_references.check(registry)
    catalog_references.check(registry)
    list_references.check(registry)
    return registry


def source_files(root: Path) -> list[Path]:
    """The files declaring one source each: registry/sources/<name>.yaml (or .yml)."""
    return files.declared(root / "sources")


def _entries(root: Path, kind: Kind) -> dict:
    file = shown(root, kind)
    document = files.read(root / kind.path, file)
    try:
        return TypeAdapter(dict[Name, kind.model]).validate_python(document)
    except ValidationError as error:
        raise explained(first(error), file, kind.label, None) from None


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
            raise explained(first(error), file, SOURCES.label, name) from None
    return declared
