"""What the dbt project adds to the platform: the library assets and the dbt resource."""

import dagster as dg

from hubei_data.transform.assets import build_dbt_assets, dbt_resource
from hubei_data.transform.manifest import ensure_manifest


def transform_definitions() -> dg.Definitions:
    ensure_manifest()
    return dg.Definitions(assets=[build_dbt_assets()], resources={"dbt": dbt_resource()})
