"""Writes every file the declarations generate: the raw, staging, resource and quarantine dbt
models and the interface document from the source contracts, the subject and share folders'
yml from the catalog, and the dbt macro installing the SQL standards.

The files are generated, committed and read like any other; a test keeps them equal to
what the declarations say, so the declarations stay the one definition.
"""

from pathlib import Path

import yaml

from hubei_data import project
from hubei_data.catalog.dbt_yml import folder_yml
from hubei_data.contracts import SOURCES, document
from hubei_data.contracts import sql as standards_sql
from hubei_data.transform import model_sql, model_yml

ROOT = project.root()
YML_HEADER = "# Generated from hubei_data/{} by `hubei-data contracts generate`; do not edit.\n"


def generate() -> dict[str, str]:
    """Every generated file, by path relative to the repository."""
    files: dict[str, str] = {}
    for source in SOURCES.values():
        files[f"dbt_project/models/raw/raw_{source.name}.sql"] = model_sql.raw_model(source)
        files[f"dbt_project/models/staging/stg_{source.name}.sql"] = model_sql.staging_model(source)
        files[f"dbt_project/models/resource/res_{source.name}.sql"] = model_sql.resource_model(source)
        files[f"dbt_project/models/quarantine/qua_{source.name}.sql"] = model_sql.quarantine_model(source)
    files["dbt_project/models/raw/raw_batches.sql"] = model_sql.RAW_BATCHES
    files["dbt_project/models/quarantine/qua_issues.sql"] = model_sql.issues_model()
    files["dbt_project/models/raw/_raw__sources.yml"] = _yaml("contracts", model_yml.sources_yml())
    for layer in model_yml.LAYERS:
        files[f"dbt_project/models/{layer}/_{layer}__models.yml"] = _yaml("contracts", model_yml.layer_yml(layer))
    for path, yml in folder_yml().items():
        files[f"dbt_project/{path}"] = _yaml("catalog", yml)
    files[document.PATH] = document.render()
    files[standards_sql.DBT_MACRO] = standards_sql.dbt_macro()
    return files


def write(root: Path = ROOT) -> list[str]:
    """Write the generated files; return the ones that changed."""
    files = generate()
    changed = stale(root)
    for relative in changed:
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(files[relative], encoding="utf-8")
    return changed


def stale(root: Path = ROOT) -> list[str]:
    """Generated files that differ from what the declarations say now."""
    return [
        relative
        for relative, text in generate().items()
        if not (root / relative).exists() or (root / relative).read_text(encoding="utf-8") != text
    ]


def _yaml(declarations: str, yml: dict) -> str:
    return YML_HEADER.format(declarations) + yaml.safe_dump(yml, allow_unicode=True, sort_keys=False, width=100)


if __name__ == "__main__":
    print("\n".join(write()))
