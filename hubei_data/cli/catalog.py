"""`hubei-data catalog`: the data resource catalog (dbt docs) and its list for the catalog system."""

from pathlib import Path

import click

from hubei_data.cli.catalog_review import COMMANDS


@click.group()
def catalog() -> None:
    """The data resource catalog (数据资源目录): every resource, subject and share table and data API, registered,
    reviewed and published."""


@catalog.command("docs")
def docs_command() -> None:
    """Generate dbt docs as one self-contained HTML file, served by `hubei-data ui` at /platform/catalog/: each
    table and data API as its published catalog version says it, 未发布 where none is."""
    from hubei_data.catalog import docs

    click.echo(_generate(docs))


@catalog.command()
@click.option("--format", "fmt", type=click.Choice(["xlsx", "csv"]), default="xlsx", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Default: 数据资源目录清单.<format>")
@click.option("--all", "everything", is_flag=True,
              help="Every published entry (resource and subject tables, data APIs), not only the share library.")
def export(fmt: str, output: Path | None, everything: bool) -> None:
    """Write the catalog list (数据资源目录清单) of the published entries: one row per data item."""
    from hubei_data.catalog import export as catalog_export, lifecycle
    from hubei_data.control.schema import connect_current
    from hubei_data.registry import RegistryError

    with connect_current() as conn:
        entries = lifecycle.published(conn)
    path = output or Path(f"数据资源目录清单.{fmt}")
    try:
        items, listed, metrics = catalog_export.write_published(entries, path, fmt, everything)
    except (catalog_export.BrokenCatalog, RegistryError) as error:
        raise click.ClickException(str(error)) from None
    extra = f", and {metrics} metrics on the sheet 指标目录" if metrics else ""
    click.echo(f"{path}: {items} data items of {listed} published entries{extra}")


for _command in COMMANDS:
    catalog.add_command(_command)


def _generate(docs) -> Path:
    click.echo("generating dbt docs against the warehouse…")
    try:
        return docs.generate()
    except docs.CatalogError as error:
        raise click.ClickException(str(error)) from None
