"""dbt docs as the data resource catalog: generated against the warehouse as one page the web process serves,
showing each entry's published version (docs_overlay.py)."""

import json
import os
import subprocess
from pathlib import Path

from hubei_data import warehouse
from hubei_data.catalog import docs_overlay
from hubei_data.transform.assets import DBT_DIR, dbt_resource

TARGET = DBT_DIR / "target"
PAGE = TARGET / "static_index.html"
# Where dbt's docs template takes the manifest and catalog it shows (dbt's own `--static` fills the same two).
MANIFEST_SLOT, CATALOG_SLOT = '"MANIFEST.JSON INLINE DATA"', '"CATALOG.JSON INLINE DATA"'


class CatalogError(Exception):
    """dbt could not build the docs."""


def _dbt(*args: str) -> list[str]:
    return [dbt_resource().dbt_executable, *args, "--project-dir", str(DBT_DIR), "--profiles-dir", str(DBT_DIR)]


def _env() -> dict[str, str]:
    # Starting the embedded server here keeps it up for as long as this process runs.
    return {**os.environ, **warehouse.connect_info().dbt_env()}


def generate(target: Path = TARGET) -> Path:
    """Write the docs site into dbt's `target` folder, with each table's real column types and its published
    catalog version, and return its one-file page."""
    done = subprocess.run(_dbt("docs", "generate", "--quiet", "--target-path", str(target)), env=_env(),
                          capture_output=True, text=True)
    if done.returncode:
        raise CatalogError(f"dbt docs generate failed:\n{done.stdout}{done.stderr}")
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    shown = docs_overlay.overlay(manifest, _published(), _api_reads())
    page = target / PAGE.name
    write_page(target / "index.html", shown, (target / "catalog.json").read_text(encoding="utf-8"), page)
    return page


def write_page(template: Path, manifest: dict, catalog: str, page: Path) -> None:
    """dbt's docs template with the manifest and catalog inside it, as one file, replaced whole."""
    text = template.read_text(encoding="utf-8")
    text = text.replace(MANIFEST_SLOT, json.dumps(manifest, ensure_ascii=False)).replace(CATALOG_SLOT, catalog)
    partial = page.with_name(f".{page.name}.partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(page)


def _published() -> list:
    from hubei_data.catalog import lifecycle
    from hubei_data.control.schema import connect_current

    with connect_current() as conn:
        return lifecycle.published_versions(conn)


def _api_reads() -> dict[str, list[str]]:
    """The dbt models each data API answers from."""
    from hubei_data.api.spec import load_apis
    from hubei_data.registry import RegistryError
    from hubei_data.catalog.declared import datasets_read

    try:
        return {name: [dataset.name for dataset in datasets_read(spec)] for name, spec in load_apis().items()}
    except RegistryError as error:
        raise CatalogError(str(error)) from None
