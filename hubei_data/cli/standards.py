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
@click.argument("name")
def show(name: str) -> None:
    """A data element in full, with the source columns that use it; a code list with every version and the values
    each added and removed."""
    declared = _registry()
    if name not in declared.elements and name not in declared.code_lists:
        raise click.ClickException(f"unknown element or code list {name!r}; `hubei-data standards list` lists the"
                                   " elements, `hubei-data standards export` the code lists")
    if name in declared.elements:
        _show_element(declared, name)
    if name in declared.code_lists:
        _show_code_list(declared, name)


def _show_element(declared, element: str) -> None:
    from hubei_data.catalog.usage import source_columns
    from hubei_data.registry.described import ELEMENT_COLUMNS, element_rows

    row = next(row for row in element_rows(declared) if row["element"] == element)
    for key, chinese in ELEMENT_COLUMNS:
        if row[key] is not None:
            click.echo(f"{chinese} {key}: " + str(row[key]).replace("\n", "\n  "))
    click.echo(f"数据项 used by: {', '.join(source_columns(element)) or '—'}")


def _show_code_list(declared, name: str) -> None:
    from hubei_data.registry.described import version_rows

    listed = declared.code_lists[name]
    standard = declared.standards[listed.standard]
    click.echo(f"代码集 code list: {name} {listed.chinese}（{standard.code} {standard.chinese}），现行版本 {listed.version}")
    for row in version_rows(declared, name):
        current = "，现行" if row["current"] == "是" else ""
        click.echo(f"  版本 {row['version']}（{row['effective']} 起{current}，{row['count']} 个代码）")
        click.echo(f"    新增 added: {row['added'] or '—'}")
        click.echo(f"    删除 removed: {row['removed'] or '—'}")


@standards.command()
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=DEFAULT_EXPORT,
              show_default=True)
def export(output: Path) -> None:
    """Write the data elements, and every version of the code lists with its values, as an XLSX workbook."""
    from hubei_data.registry import workbook
    from hubei_data.reports import ReportError

    declared = _registry()
    try:
        written = workbook.export(declared, output)
    except ReportError as error:
        raise click.ClickException(str(error)) from None
    versions = sum(len(listed.versions) for listed in declared.code_lists.values())
    click.echo(f"{written}: {len(declared.elements)} data elements, "
               f"{len(declared.code_lists)} code lists in {versions} versions")
