"""Running the command line against a database of a test's own, in this process or as a user would."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from hubei_data import warehouse as warehouse_module
from tests import people
from tests.people import token_for

COMMAND = Path(sys.executable).parent / "hubei-data"


@pytest.fixture
def hubei_data(tmp_path):
    """Run `hubei-data ARGS` in its own process, as a user would: `hubei_data(database, *args, **env)`, as a
    person whose role allows the command unless `env` names the token."""

    def run(database, *args: str, **env: str) -> subprocess.CompletedProcess:
        found = token_for(database, args) if people.TOKEN_VARIABLE not in env else None
        environment = {**os.environ, warehouse_module.DIR_VARIABLE: str(tmp_path),
                       warehouse_module.URL_VARIABLE: database.url,
                       **({people.TOKEN_VARIABLE: found} if found else {}), **env}
        for name, value in env.items():
            if value is None:
                environment.pop(name)
        return subprocess.run([str(COMMAND), *args], env=environment, capture_output=True, text=True, timeout=300)

    return run
