"""`hubei-data ui`: the Dagster UI and daemon, holding the embedded warehouse while they run."""

import os
import sys
from pathlib import Path

import click

from hubei_data import attached, runner, warehouse

WORKSPACE = Path(__file__).resolve().parents[2] / "workspace.yaml"


@click.command()
@click.option("--port", default=3000, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
def ui(port: int, host: str) -> None:
    """Open the Dagster UI (lineage, runs, checks) with the sensors and schedules running."""
    from hubei_data.control import schema

    info = warehouse.connect_info()
    schema.upgrade(info)
    runner.prepare_dagster_home()
    click.echo(f"warehouse: {info.redacted()}")
    click.echo(f"Dagster UI on http://{host}:{port} (Ctrl-C stops it)")
    dagster = Path(sys.executable).parent / "dagster"
    command = [str(dagster), "dev", "-w", str(WORKSPACE), "-h", host, "-p", str(port)]
    attached.run(command, env=os.environ.copy())
