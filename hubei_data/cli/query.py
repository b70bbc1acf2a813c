"""`hubei-data query`: a read-only SQL console for investigating dirty or missing data."""

import click
import psycopg

from hubei_data import warehouse
from hubei_data.cli.output import FORMATS, emit


@click.command()
@click.argument("sql_text", metavar="SQL")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--timeout", default=60, show_default=True, help="Seconds before the query is cancelled.")
def query(sql_text: str, fmt: str, timeout: int) -> None:
    """Run one read-only SELECT against the warehouse and print the rows.

    The query runs in a read-only transaction as a single statement with a time limit,
    so it can look at everything and change nothing.
    """
    with warehouse.connect() as conn:
        conn.read_only = True
        conn.execute("select set_config('statement_timeout', %s, true)", (f"{timeout}s",))
        try:
            # with parameters psycopg uses the extended protocol, which takes one statement only
            cursor = conn.execute(sql_text.replace("%", "%%"), ())
        except psycopg.Error as error:
            raise click.ClickException(f"query failed: {str(error).strip()}") from None
        if cursor.description is None:
            raise click.ClickException("the statement returned no rows; only queries are allowed")
        columns = [d.name for d in cursor.description]
        count = emit(columns, cursor, fmt)
        conn.rollback()
    if fmt == "table":
        click.echo(f"({count} rows)", err=True)
