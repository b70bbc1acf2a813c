"""The dbt models as Dagster assets, with dbt tests as asset checks."""

import os
import sys
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource, DbtProject, dbt_assets

from hubei_data.contracts.sql import install_standards
from hubei_data.ingest.landing import ensure_landing
from hubei_data.resources import WarehouseResource
from hubei_data.transform.translator import HubeiTranslator

DBT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"
DBT_PROJECT = DbtProject(project_dir=DBT_DIR, profiles_dir=DBT_DIR)


def dbt_resource() -> DbtCliResource:
    """dbt from this interpreter's environment, found whether or not it is on PATH."""
    executable = Path(sys.executable).parent / "dbt"
    return DbtCliResource(project_dir=DBT_PROJECT, profiles_dir=DBT_DIR, dbt_executable=str(executable))


def build_dbt_assets() -> dg.AssetsDefinition:
    """The dbt assets; needs the manifest, so it is called when definitions load, not on import."""

    @dbt_assets(
        manifest=DBT_PROJECT.manifest_path,
        dagster_dbt_translator=HubeiTranslator(),
        project=DBT_PROJECT,
    )
    def warehouse_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource):
        """Raw, staging, resource and quarantine libraries, built by dbt on the warehouse."""
        info = warehouse.connect_info()
        os.environ.update(info.dbt_env())
        with warehouse.connect() as conn:
            install_standards(conn)
            ensure_landing(conn)
            conn.commit()
        yield from dbt.cli(["build"], context=context).stream()

    return warehouse_models
