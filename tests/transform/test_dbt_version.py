"""The dbt resource knows dbt's version without starting dbt, and knows it right."""

import subprocess

from hubei_data.transform.assets import dbt_resource


def test_the_version_the_resource_reports_is_the_one_dbt_prints():
    resource = dbt_resource()
    printed = subprocess.check_output([resource.dbt_executable, "--version"], text=True)
    assert f"installed: {resource._cli_version}" in printed
