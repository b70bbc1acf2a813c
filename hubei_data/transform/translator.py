"""dbt ↔ Dagster: folder = group = schema, keys `<schema>/<table>`, landing assets upstream."""

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings

from hubei_data.contracts import SOURCES
from hubei_data.ingest.assets import database_sources, extract_key, files_key
from hubei_data.transform.column_schema import LAYERS, column_schema

EXTRACTED = {s.name for s in database_sources()}


class HubeiTranslator(DagsterDbtTranslator):
    """Names dbt nodes after their schema and table, wires raw models to both channels, and shows each source
    table's columns from its contract."""

    def __init__(self):
        super().__init__(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))

    def get_asset_spec(self, manifest: Mapping[str, Any], unique_id: str, project) -> dg.AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        props = self.get_resource_props(manifest, unique_id)
        if props["resource_type"] != "model":
            return spec
        table = props.get("alias") or props["name"]
        if props["name"] == "raw_batches":
            deps = [files_key(s) for s in SOURCES] + [extract_key(s) for s in sorted(EXTRACTED)]
            return spec.replace_attributes(deps=deps)
        prefix = props["name"].split("_", 1)[0]
        if prefix in LAYERS and table in SOURCES:
            spec = spec.merge_attributes(
                metadata={"dagster/column_schema": column_schema(SOURCES[table], LAYERS[prefix])})
        if prefix == "raw" and table in EXTRACTED:
            return spec.merge_attributes(deps=[extract_key(table)])
        return spec

    def get_asset_check_spec(
        self, asset_spec: dg.AssetSpec, manifest: Mapping[str, Any], unique_id: str, project
    ) -> dg.AssetCheckSpec | None:
        """A dbt test as a check, described by the test's own `description` in the yml;
        dagster-dbt itself reads a description only from the test's meta."""
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        description = manifest["nodes"][unique_id].get("description")
        if spec is None or not description:
            return spec
        return spec._replace(description=description)

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        kind = dbt_resource_props["resource_type"]
        if kind == "source":
            name = dbt_resource_props["name"]
            return files_key(name) if name in SOURCES else dg.AssetKey(["landing", name])
        if kind in ("model", "seed", "snapshot"):
            table = dbt_resource_props.get("alias") or dbt_resource_props["name"]
            return dg.AssetKey([dbt_resource_props["schema"], table])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] in ("model", "seed", "snapshot"):
            return dbt_resource_props["schema"]
        return super().get_group_name(dbt_resource_props)
