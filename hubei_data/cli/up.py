"""`hubei-data up`: everything a deployment keeps running, as children that stop together."""

import os
import signal
import sys
import threading
from pathlib import Path

import click

from hubei_data import warehouse
from hubei_data.attached import Service, Supervisor

CLI = str(Path(sys.executable).parent / "hubei-data")
POLL_SECONDS = 1.0


def services(host: str, port: int, api_port: int, interval: int) -> tuple[list[Service], str | None]:
    """The web process (with the Dagster webserver and daemon), the watcher, and the data API when it can
    serve; and why the data API is left out, if it is."""
    found = [
        Service("the web process", (CLI, "ui", "--host", host, "--port", str(port))),
        Service("the watcher", (CLI, "watch", "--interval", str(interval))),
    ]
    unready = _api_unready()
    if unready is None:
        found.append(Service("the data API", (CLI, "serve", "--host", host, "--port", str(api_port))))
    return found, unready


def _api_unready() -> str | None:
    """Why the data API cannot serve yet: no key, no reader role, or a share library not built."""
    import psycopg

    from hubei_data import roles
    from hubei_data.api.query import probe
    from hubei_data.api.spec import load_apis
    from hubei_data.registry import RegistryError

    if not os.environ.get("HUBEI_DATA_API_KEY"):
        return "set HUBEI_DATA_API_KEY (`hubei-data api keygen`)"
    try:
        specs = load_apis()
        with psycopg.connect(warehouse.reader_info(roles.API_READER).url) as conn:
            problems = probe(conn, specs)
    except (RegistryError, warehouse.WarehouseError) as error:
        return str(error)
    if problems:
        return f"{problems[0]} (build the share library first; `up` starts it the next time)"
    return None


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Where the web process and the data API listen.")
@click.option("--port", default=3000, show_default=True, type=int, help="The web process (login, Dagster UI, catalog).")
@click.option("--api-port", default=8600, show_default=True, type=int, help="The data API.")
@click.option("--watch-interval", default=60, show_default=True, type=click.IntRange(5, 3600),
              help="Seconds between the watcher's probes.")
def up(host: str, port: int, api_port: int, watch_interval: int) -> None:
    """Run the platform: the web process, the Dagster daemon, the watcher and the data API, until stopped.

    SIGTERM or Ctrl-C stops every one of them; when one stops on its own the rest are stopped too
    and the command fails naming it, so a service manager (systemd) restarts the whole.
    """
    from hubei_data.control import schema

    info = warehouse.connect_info()
    schema.upgrade(info)
    running, unready = services(host, port, api_port, watch_interval)
    click.echo(f"warehouse: {info.redacted()}")
    for service in running:
        click.echo(f"starting {service.name}")
    if unready:
        click.echo(f"the data API is not started: {unready}")
    click.echo(f"log in at http://{host}:{port}/platform/login")
    stopping = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stopping.set()) for sig in (signal.SIGTERM, signal.SIGINT)}
    supervisor = Supervisor(tuple(running))
    try:
        supervisor.start()
        while not stopping.wait(POLL_SECONDS):
            if ended := supervisor.ended():
                raise click.ClickException(f"{ended}, so everything was stopped")
    finally:
        supervisor.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    click.echo("stopped")
