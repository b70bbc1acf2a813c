"""dbt docs as the published catalog: each resource, subject and share table, and each data API, as its published
catalog version says it, laid over dbt's manifest when the docs are generated.

The committed dbt yml says what the code declares and never depends on the warehouse; which version of an entry
is published lives in `control.catalog_versions`. So the published text goes only into the copy of the manifest
embedded in the docs page, and dbt's own manifest, which Dagster reads, stays as the yml made it.
"""

import copy

from hubei_data.catalog.lifecycle import Version
from hubei_data.catalog.manifest import CATALOG_SCHEMAS, models

UNPUBLISHED = "未发布"
# The resource library's tables are catalog entries too (not shared, but registered and reviewed like the rest).
OVERLAID_SCHEMAS = ("resource", *CATALOG_SCHEMAS)
# The entry fields the yml's meta carries as the code declares them, replaced by the published version's.
DECLARED_FIELDS = ("resource_code", "resource_name", "summary", "provider", "category", "share_type",
                   "share_conditions", "consumers", "share_method", "update_frequency")


def overlay(manifest: dict, published: list[Version], api_reads: dict[str, list[str]]) -> dict:
    """A copy of `manifest` showing the published versions; `api_reads` names, per data API, the dbt models it
    answers from."""
    shown = copy.deepcopy(manifest)
    by_target: dict[str, list[Version]] = {}
    for version in published:
        by_target.setdefault(f"{version.entry.kind}:{version.entry.target}", []).append(version)
    for schema in OVERLAID_SCHEMAS:
        for node in models(shown, schema):
            _table(node, by_target.get(f"table:{schema}.{node['alias']}", []))
    package = shown["metadata"]["project_name"]
    for version in published:
        if version.entry.kind == "api":
            reads = [f"model.{package}.{name}" for name in api_reads.get(version.entry.target, [])]
            _add_exposure(shown, package, version, [node for node in reads if node in shown["nodes"]])
    return shown


def catalog_meta(version: Version) -> dict:
    """The published version's entry fields, as a node's meta shows them."""
    entry = version.entry
    return {
        "resource_code": entry.code, "resource_name": entry.name, "summary": entry.summary,
        "provider": entry.provider, "category": entry.category, "share_type": entry.share_type,
        "share_conditions": entry.share_conditions, "open_attribute": entry.open_attribute,
        "consumers": entry.consumers, "share_method": entry.share_method,
        "update_frequency": entry.update_frequency, "catalog_version": version.version, "catalog_status": "已发布",
    }


def words(version: Version) -> str:
    """The published version in the words the catalog uses, as markdown for dbt docs."""
    entry = version.entry
    return (f"**数据资源目录 {entry.code}，已发布版本 {version.version}**\n\n"
            f"- 名称：{entry.name}\n- 摘要：{entry.summary}\n- 提供方：{entry.provider}\n"
            f"- 共享类型：{entry.share_type}；共享条件：{entry.share_conditions}\n"
            f"- 开放属性：{entry.open_attribute}\n- 更新周期：{entry.update_frequency}\n")


def _table(node: dict, published: list[Version]) -> None:
    meta = {key: value for key, value in node.get("meta", {}).items() if key not in DECLARED_FIELDS}
    if published:
        meta |= catalog_meta(published[0])
        heading = "\n".join(words(version) for version in published)
        items = {item.field: item for version in published for item in version.entry.items}
        for column in node["columns"].values():
            item = items.get(column["name"])
            if item is not None:
                column["meta"] = {**column.get("meta", {}), "catalog_item": item.name,
                                  "catalog_share_type": item.share_type, "catalog_masking": item.masking}
    else:
        meta["catalog_status"] = UNPUBLISHED
        heading = f"**数据资源目录：{UNPUBLISHED}**（没有已发布的目录条目挂接本表）\n"
    node["meta"] = meta
    node.setdefault("config", {})["meta"] = dict(meta)
    node["description"] = f"{heading}\n{node.get('description', '')}"


def _add_exposure(manifest: dict, package: str, version: Version, reads: list[str]) -> None:
    """A data API as a dbt exposure: dbt docs list it with its published entry and draw it after what it reads."""
    entry = version.entry
    unique_id = f"exposure.{package}.api_{entry.target}"
    meta = catalog_meta(version)
    manifest["exposures"][unique_id] = {
        "name": f"api_{entry.target}", "resource_type": "exposure", "package_name": package,
        "path": f"registry/apis/{entry.target}.yaml", "original_file_path": f"registry/apis/{entry.target}.yaml",
        "unique_id": unique_id, "fqn": [package, f"api_{entry.target}"], "type": "application",
        "owner": {"email": None, "name": entry.provider}, "description": words(version), "label": entry.name,
        "maturity": None, "meta": meta, "tags": ["data_api"], "config": {"enabled": True, "tags": [], "meta": meta},
        "unrendered_config": {}, "url": None, "depends_on": {"macros": [], "nodes": reads},
        "refs": [], "sources": [], "metrics": [], "created_at": 0.0,
    }
    manifest.setdefault("parent_map", {})[unique_id] = reads
    manifest.setdefault("child_map", {})[unique_id] = []
    for node in reads:
        manifest["child_map"].setdefault(node, []).append(unique_id)
