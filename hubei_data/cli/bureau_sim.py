"""`hubei-data bureau-sim`: run the national bureau's receiving interface locally, faults on demand."""

import os
from pathlib import Path

import click


@click.command("bureau-sim")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8590, show_default=True)
@click.option("--data", "data", type=click.Path(file_okay=False, path_type=Path),
              help="Where it keeps what it accepted. Default: <data dir>/bureau_sim")
@click.option("--error-rate", default=0.0, help="Share of batch requests answered 503 before storing.")
@click.option("--rate-limit-rate", default=0.0, help="Share answered 429 with Retry-After.")
@click.option("--latency-ms", default=0, help="Delay added to every batch request.")
@click.option("--timeout-rate", default=0.0, help="Share stored but answered only after --timeout-seconds.")
@click.option("--timeout-seconds", default=30.0, show_default=True)
@click.option("--drop-rate", default=0.0, help="Share stored, then the connection closed unanswered.")
@click.option("--seed", type=int, help="Make the fault decisions repeatable.")
def bureau_sim(host, port, data, error_rate, rate_limit_rate, latency_ms, timeout_rate, timeout_seconds, drop_rate,
               seed) -> None:
    """Serve the bureau interface of docs/bureau-interface.md until interrupted.

    It accepts the app key and secret in HUBEI_DATA_BUREAU_APP_KEY and
    HUBEI_DATA_BUREAU_APP_SECRET (the same the platform signs with). Faults can also be
    changed while it runs: a signed PUT /_sim/faults with a JSON object of new values.
    """
    from hubei_data import warehouse
    from hubei_data.bureau_sim.faults import Faults
    from hubei_data.bureau_sim.server import make_server
    from hubei_data.exchange.resources import APP_KEY, APP_SECRET

    missing = [name for name in (APP_KEY, APP_SECRET) if not os.environ.get(name)]
    if missing:
        raise click.ClickException(f"set {', '.join(missing)}: the simulator accepts only the key it issued")
    try:
        faults = Faults(error_rate, rate_limit_rate, latency_ms, timeout_rate, timeout_seconds, drop_rate)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    folder = data or warehouse.data_dir() / "bureau_sim"
    server = make_server(host, port, folder, {os.environ[APP_KEY]: os.environ[APP_SECRET]}, faults, seed)
    click.echo(f"bureau simulator on http://{host}:{server.server_address[1]}, holding its data in {folder}")
    click.echo(f"faults: {faults.as_dict()}")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("stopped")
    finally:
        server.server_close()
