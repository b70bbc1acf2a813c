"""Where `hubei-data login` keeps its session token: one per warehouse, readable by this OS user only.

`HUBEI_DATA_TOKEN` in the environment (a service token, for schedules and CI) takes precedence.
"""

import json
import os
from pathlib import Path

TOKEN_VARIABLE = "HUBEI_DATA_TOKEN"


def _file() -> Path:
    config = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return config / "hubei_data" / "sessions.json"


def _warehouse_key() -> str:
    from hubei_data import warehouse

    info = warehouse.connect_info()
    return f"{info.host}:{info.port}/{info.dbname}"


def _stored() -> dict[str, str]:
    try:
        stored = json.loads(_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in stored.items() if isinstance(k, str) and isinstance(v, str)} if isinstance(stored, dict) else {}


def token() -> str | None:
    """The token to act with: the environment's, else this warehouse's stored login."""
    return os.environ.get(TOKEN_VARIABLE) or _stored().get(_warehouse_key())


def store(value: str) -> Path:
    """Keep the token for this warehouse."""
    return _write(_stored() | {_warehouse_key(): value})


def forget() -> str | None:
    """Drop this warehouse's stored token; the token dropped, if any."""
    stored = _stored()
    dropped = stored.pop(_warehouse_key(), None)
    if dropped is not None:
        _write(stored)
    return dropped


def _write(stored: dict[str, str]) -> Path:
    """Replace the file whole, created readable by this OS user only."""
    path = _file()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_suffix(".tmp")
    with os.fdopen(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as out:
        json.dump(stored, out)
    os.replace(temporary, path)
    return path
