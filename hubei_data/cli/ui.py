"""`hubei-data ui`: the platform's web process, holding the embedded warehouse while it runs."""

import click

from hubei_data import warehouse


@click.command()
@click.option("--port", default=3000, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
def ui(port: int, host: str) -> None:
    """Serve the Dagster UI (lineage, runs, checks) and the catalog behind the platform's login, with the
    sensors and schedules running."""
    from hubei_data import runner
    from hubei_data.control import schema
    from hubei_data.web import services
    from hubei_data.web.serve import serve

    info = warehouse.connect_info()
    schema.upgrade(info)
    runner.prepare_dagster_home()
    address = f"[{host}]" if ":" in host else host
    click.echo(f"warehouse: {info.redacted()}")
    click.echo(f"log in at http://{address}:{port}/platform/login (Ctrl-C stops it)")
    try:
        serve(host, port)
    except services.ServiceError as error:
        raise click.ClickException(str(error)) from None
