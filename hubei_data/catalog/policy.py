"""Rules the catalog must keep: every item described, nothing 不予共享 or on the negative list (负面清单) shared,
personal fields masked."""

from hubei_data import registry
from hubei_data.catalog import manifest as m
from hubei_data.catalog.items import MASKING, NOT_SHARED
from hubei_data.governance.negative import manifest_breaches

COLUMN_FIELDS = ("chinese", "standard", "share_type", "masking")
DATASET_FIELDS = (
    "resource_code", "resource_name", "summary", "provider", "category", "share_type",
    "share_conditions", "consumers", "share_method", "update_frequency",
)


def violations(manifest: dict) -> list[str]:
    """Every breach of the rules in the manifest; empty when the catalog is sound."""
    found = manifest_breaches(manifest, registry.load().lists["negative"])
    for schema in m.CATALOG_SCHEMAS:
        for node in m.models(manifest, schema):
            found += _described(node, dataset=schema == "share")
    for node in m.models(manifest, "share"):
        found += _shared_safely(manifest, node)
    return found


def _described(node: dict, dataset: bool) -> list[str]:
    found = []
    name, meta = node["name"], m.meta(node)
    if not node.get("description"):
        found.append(f"{name}: no description")
    if not m.meta(node).get("chinese"):
        found.append(f"{name}: no Chinese name in meta")
    if dataset:
        found += [f"{name}: catalog field {f} missing" for f in DATASET_FIELDS if not meta.get(f)]
    if not node["columns"]:
        found.append(f"{name}: no columns documented")
    for column in node["columns"].values():
        missing = [f for f in COLUMN_FIELDS if not m.meta(column).get(f)]
        if not column.get("description"):
            missing.append("description")
        if missing:
            found.append(f"{name}.{column['name']}: no {', '.join(missing)}")
    return found


def _shared_safely(manifest: dict, node: dict) -> list[str]:
    found = []
    upstream = [manifest["nodes"][u] for u in node["depends_on"]["nodes"] if u in manifest["nodes"]]
    for column in node["columns"].values():
        here = m.meta(column)
        where = f"{node['name']}.{column['name']}"
        if here.get("share_type") == NOT_SHARED:
            found.append(f"{where}: marked {NOT_SHARED} in a share model")
        for parent in upstream:
            there = parent["columns"].get(column["name"])
            if there is None:
                continue
            source = m.meta(there)
            if source.get("share_type") == NOT_SHARED:
                found.append(f"{where}: {parent['name']}.{column['name']} is {NOT_SHARED}")
            kind = source.get("personal")
            if kind and here.get("masking_rule") != kind:
                found.append(f"{where}: personal ({kind}) but not masked by rule: {MASKING[kind]}")
    return found
