"""Running the command line against a database of a test's own, in this process or as a user would."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from hubei_data import warehouse as warehouse_module

COMMAND = Path(sys.executable).parent / "hubei-data"


@pytest.fixture
def hubei_data(tmp_path):
    """Run `hubei-data ARGS` in its own process, as a user would: `hubei_data(database, *args, **env)`."""

    def run(database, *args: str, **env: str) -> subprocess.CompletedProcess:
        environment = {**os.environ, warehouse_module.DIR_VARIABLE: str(tmp_path),
                       warehouse_module.URL_VARIABLE: database.url, **env}
        for name, value in env.items():
            if value is None:
                environment.pop(name)
        return subprocess.run([str(COMMAND), *args], env=environment, capture_output=True, text=True, timeout=300)

    return run
