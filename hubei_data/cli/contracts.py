"""`hubei-data contracts`: keep the generated dbt models and interface document equal to the declarations."""

import click

from hubei_data.transform import codegen


@click.group()
def contracts() -> None:
    """The source contracts and what they generate."""


@contracts.command()
@click.option("--check", is_flag=True, help="Only report; exit 1 when a generated file is out of date.")
def generate(check: bool) -> None:
    """Write the dbt models, their yml and docs/sources.md from the contracts and the catalog."""
    if check:
        stale = codegen.stale()
        for path in stale:
            click.echo(f"out of date: {path}")
        if stale:
            raise click.ClickException(f"{len(stale)} generated files differ: run `hubei-data contracts generate`")
        return
    changed = codegen.write()
    click.echo(f"{len(changed)} files written" + "".join(f"\n  {p}" for p in changed))
