"""dbt docs as the data resource catalog: generated against the warehouse as one page the web process serves."""

import os
import subprocess
from pathlib import Path

from hubei_data import warehouse
from hubei_data.transform.assets import DBT_DIR, dbt_resource

TARGET = DBT_DIR / "target"
PAGE = TARGET / "static_index.html"


class CatalogError(Exception):
    """dbt could not build the docs."""


def _dbt(*args: str) -> list[str]:
    return [dbt_resource().dbt_executable, *args, "--project-dir", str(DBT_DIR), "--profiles-dir", str(DBT_DIR)]


def _env() -> dict[str, str]:
    # Starting the embedded server here keeps it up for as long as this process runs.
    return {**os.environ, **warehouse.connect_info().dbt_env()}


def generate() -> Path:
    """Write the docs site, with each table's real column types, and return its one-file page."""
    done = subprocess.run(_dbt("docs", "generate", "--static", "--quiet"), env=_env(), capture_output=True, text=True)
    if done.returncode:
        raise CatalogError(f"dbt docs generate failed:\n{done.stdout}{done.stderr}")
    return PAGE
