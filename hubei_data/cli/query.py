"""`hubei-data query`: a read-only SQL console for investigating dirty or missing data."""

import click

from hubei_data import adhoc_query, warehouse
from hubei_data.cli.gate import acting, source
from hubei_data.cli.output import FORMATS, emit


@click.command()
@click.argument("sql_text", metavar="SQL")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--timeout", default=60, show_default=True, type=click.IntRange(1, adhoc_query.MAX_TIMEOUT_SECONDS),
              help="Seconds before the server cancels the query.")
def query(sql_text: str, fmt: str, timeout: int) -> None:
    """Run one read-only query against the warehouse and print the rows.

    It runs as the read-only role hubei_data_query: one statement, a read-only transaction,
    a time limit kept by the server, and no access to the data API's consumers or to anything
    outside the libraries.
    """
    try:
        with adhoc_query.run(sql_text, timeout, acting().username, source()) as (columns, cursor):
            count = emit(columns, cursor, fmt)
    except (adhoc_query.QueryRefused, warehouse.WarehouseError) as refusal:
        raise click.ClickException(str(refusal)) from None
    if fmt == "table":
        click.echo(f"({count} rows)", err=True)
