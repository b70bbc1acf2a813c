"""`hubei-data standards list|show|export`: the data standards (数据标准) of registry/standards/, read or exported."""

from pathlib import Path

import click

from hubei_data.cli.output import FORMATS, emit

DEFAULT_EXPORT = Path("数据标准.xlsx")


def _registry():
    """The registry as declared, or its first error in one line."""
    from hubei_data import registry

    try:
        return registry.load()
    except registry.RegistryError as error:
        raise click.ClickException(str(error)) from None


@click.group()
def standards() -> None:
    """Data standards (数据标准): data elements (数据元) and versioned code lists (代码集)."""


@standards.command("list")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
def list_elements(fmt: str) -> None:
    """Every data element: its names, type, length and the standard it comes from."""
    declared = _registry()
    emit(["element", "chinese", "english", "type", "length", "code_list", "standard"],
         [[name, element.chinese, element.english, element.type, element.length, element.code_list,
           declared.standards[element.standard].code] for name, element in declared.elements.items()], fmt)


@standards.command()
@click.argument("element")
def show(element: str) -> None:
    """One data element in full, with its code list's values and the source columns that use it."""
    from hubei_data.contracts import SOURCES
    from hubei_data.registry.described import ELEMENT_COLUMNS, element_rows

    declared = _registry()
    if element not in declared.elements:
        raise click.ClickException(f"unknown element {element!r}; `hubei-data standards list` lists them")
    row = next(row for row in element_rows(declared) if row["element"] == element)
    for key, chinese in ELEMENT_COLUMNS:
        if row[key] is not None:
            click.echo(f"{chinese} {key}: " + str(row[key]).replace("\n", "\n  "))
    used = [f"{source.name}.{column.name}" for source in SOURCES.values() for column in source.columns
            if column.element == element]
    click.echo(f"数据项 used by: {', '.join(used) or '—'}")


@standards.command()
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=DEFAULT_EXPORT,
              show_default=True)
def export(output: Path) -> None:
    """Write the data elements and the code lists' values, with their versions, as an XLSX workbook."""
    from hubei_data.registry import workbook
    from hubei_data.reports import ReportError

    declared = _registry()
    try:
        written = workbook.export(declared, output)
    except ReportError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"{written}: {len(declared.elements)} data elements, "
               f"{sum(len(listed.values) for listed in declared.code_lists.values())} values of "
               f"{len(declared.code_lists)} code lists")
