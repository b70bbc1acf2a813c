"""`hubei-data catalog`: the data resource catalog (dbt docs) and its list for the catalog system."""

from pathlib import Path

import click


@click.group()
def catalog() -> None:
    """The data resource catalog: every subject and share table, column and share entry."""


@catalog.command("docs")
def docs_command() -> None:
    """Generate dbt docs as one self-contained HTML file, served by `hubei-data ui` at /platform/catalog/."""
    from hubei_data.catalog import docs

    click.echo(_generate(docs))


@catalog.command()
@click.option("--format", "fmt", type=click.Choice(["xlsx", "csv"]), default="xlsx", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Default: 数据资源目录清单.<format>")
def export(fmt: str, output: Path | None) -> None:
    """Write the catalog list (数据资源目录清单): one row per shared data item."""
    from hubei_data.catalog import export as catalog_export, manifest, policy

    parsed = manifest.load()
    problems = policy.violations(parsed)
    if problems:
        raise click.ClickException("the catalog breaks its rules:\n  " + "\n  ".join(problems))
    from hubei_data.metrics.catalog import sheet_rows
    from hubei_data.metrics.registry import MetricError, load_registry

    rows = catalog_export.catalog_rows(parsed)
    try:
        metrics = sheet_rows(load_registry()) if fmt == "xlsx" else []
    except MetricError as error:
        raise click.ClickException(str(error)) from None
    path = output or Path(f"数据资源目录清单.{fmt}")
    catalog_export.write(rows, path, fmt, metrics)
    datasets = len({r["resource_code"] for r in rows})
    extra = f", and {len(metrics)} metrics on the sheet 指标目录" if metrics else ""
    click.echo(f"{path}: {len(rows)} data items of {datasets} share datasets{extra}")


def _generate(docs) -> Path:
    click.echo("generating dbt docs against the warehouse…")
    try:
        return docs.generate()
    except docs.CatalogError as error:
        raise click.ClickException(str(error)) from None
