"""The command line as a newcomer runs it, on the real embedded PostgreSQL: helpers of the end-to-end tests, which
are split across modules (each with its own demo, the `demo` fixture) so that the test workers share them out."""

import json
import os
import subprocess
import sys
from pathlib import Path

from hubei_data import warehouse as wh
from hubei_data.contracts import SOURCES
from tests.people import TOKEN_VARIABLE, token_for

CLI = [str(Path(sys.executable).parent / "hubei-data")]
LAYERS = ("raw", "resource", "quarantine")


def as_allowed(args) -> dict[str, str]:
    """The environment of a person whose role allows the command, once the demo has set people up."""
    found = token_for(wh.connect_info(), args)
    return {**os.environ, **({TOKEN_VARIABLE: found} if found else {})}


def run(*args, check=True, env=None, input=None):
    result = subprocess.run([*CLI, *args], capture_output=True, text=True, env=env or as_allowed(args), input=input)
    if check and result.returncode != 0:
        raise AssertionError(f"{args} exited {result.returncode}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result


def counts() -> dict[str, int]:
    with wh.connect() as conn:
        return {
            f"{layer}.{s}": conn.execute(f"select count(*) from {layer}.{s}").fetchone()[0]
            for layer in LAYERS
            for s in SOURCES
        }


def flagged() -> set[tuple]:
    lines = run("quality", "issues").stdout.splitlines()
    return {(d["source"], d["key"], d["rule"]) for d in map(json.loads, lines)}
