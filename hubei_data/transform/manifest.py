"""Keeps dbt's manifest current, so definitions load wherever the project is checked out."""

import fcntl
from pathlib import Path

from hubei_data.transform.assets import DBT_DIR, DBT_PROJECT, dbt_resource

_INPUTS = ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "tests")


def _newest_input() -> float:
    newest = 0.0
    for name in _INPUTS:
        path = DBT_DIR / name
        files = [path] if path.is_file() else list(path.rglob("*")) if path.exists() else []
        newest = max([newest, *(f.stat().st_mtime for f in files if f.is_file())])
    return newest


def ensure_manifest() -> Path:
    """Parse the dbt project when the manifest is missing or older than any of its inputs.

    Processes starting together (the UI, its daemon, a command) take turns: one parses,
    the others find the manifest current.
    """
    manifest = Path(DBT_PROJECT.manifest_path)
    manifest.parent.mkdir(parents=True, exist_ok=True)
    with open(manifest.parent / ".parse.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not manifest.exists() or manifest.stat().st_mtime < _newest_input():
            dbt_resource().cli(["parse", "--quiet"], target_path=Path(DBT_PROJECT.target_path)).wait()
    return manifest
