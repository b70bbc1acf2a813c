"""Where the project's files live: declarations (registry/), the dbt project and generated docs."""

import os
from pathlib import Path

VARIABLE = "HUBEI_DATA_PROJECT_DIR"


def root() -> Path:
    """The project folder: HUBEI_DATA_PROJECT_DIR when set (a copy to work on), else the one this package is in."""
    return Path(os.environ.get(VARIABLE) or Path(__file__).resolve().parents[1]).resolve()
