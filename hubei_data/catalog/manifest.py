"""The subject and share models as dbt's manifest holds them: what dbt docs shows is what is read."""

import json
from collections.abc import Iterator
from pathlib import Path

CATALOG_SCHEMAS = ("subject", "share")


def load(path: Path | None = None) -> dict:
    """The manifest at `path`, or the project's own, parsed afresh when its inputs changed."""
    if path is None:
        from hubei_data.transform.manifest import ensure_manifest

        path = ensure_manifest()
    return json.loads(Path(path).read_text(encoding="utf-8"))


def models(manifest: dict, schema: str) -> Iterator[dict]:
    """The model nodes built into `schema`, in name order."""
    nodes = (n for n in manifest["nodes"].values() if n["resource_type"] == "model" and n["schema"] == schema)
    yield from sorted(nodes, key=lambda n: n["name"])


def meta(node_or_column: dict) -> dict:
    """A node's or column's meta, wherever this dbt version keeps it."""
    return {**node_or_column.get("meta", {}), **node_or_column.get("config", {}).get("meta", {})}


def data_columns(node: dict) -> list[dict]:
    """The business columns (data items) of a model; platform lineage columns start with `_`."""
    return [c for c in node["columns"].values() if not c["name"].startswith("_")]
