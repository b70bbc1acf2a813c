"""`hubei-data ingest` and `hubei-data build`: land data and build what depends on it."""

import datetime as dt
from collections import defaultdict
from pathlib import Path

import click

from hubei_data.contracts import SOURCES


def _files(paths: tuple[str, ...]) -> list[Path]:
    found = []
    for text in paths:
        path = Path(text)
        if path.is_dir():
            found.extend(sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith(".")))
        elif path.is_file():
            found.append(path)
        else:
            raise click.ClickException(f"{text}: no such file or folder")
    return found


@click.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--source", type=click.Choice(list(SOURCES)),
              help="The source of every file; default: each file's parent folder name.")
@click.option("--no-build", is_flag=True, help="Only land the files; build nothing downstream.")
def ingest(paths: tuple[str, ...], source: str | None, no_build: bool) -> None:
    """Land files (CSV or XLSX) and build everything downstream of those that loaded.

    Each file is loaded once: the same bytes again are recognised and skipped. A file that
    cannot be read is rejected with the reason, and nothing of it is kept. When no file
    loads, nothing is built.
    """
    from hubei_data.cli.jobs import land_and_build
    from hubei_data.ingest.files import Landed

    by_source: dict[str, list[str]] = defaultdict(list)
    for path in _files(paths):
        name = source or path.resolve().parent.name
        if name not in SOURCES:
            raise click.ClickException(
                f"{path}: its folder {name!r} is not a source; name the source with --source ({', '.join(SOURCES)})"
            )
        by_source[name].append(str(path.resolve()))
    files, built = land_and_build(dict(by_source), build=not no_build)
    results = [Landed(**r) for r in files]
    rejected = [landed for landed in results if landed.status == "rejected"]
    for landed in results:
        click.secho(landed.describe(), fg="red" if landed.status == "rejected" else None)
    if built:
        click.echo("built what is downstream of the files loaded; see `hubei-data quality issues` for flagged rows")
    elif not no_build:
        click.echo("nothing new landed: nothing to build")
    if rejected:
        raise click.ClickException(f"{len(rejected)} of {len(results)} files rejected: "
                                   + "; ".join(landed.describe() for landed in rejected))


@click.command()
@click.option("--from", "first", type=click.DateTime(["%Y-%m-%d"]), help="First day to read (default: yesterday).")
@click.option("--to", "last", type=click.DateTime(["%Y-%m-%d"]), help="Last day to read (default: --from).")
@click.option("--full-refresh", is_flag=True, help="Rebuild the incremental subject and share tables from scratch.")
@click.option("--source", type=click.Choice([name for name, found in SOURCES.items() if found.watermark]),
              help="Read only this database source (one just registered) and build what is downstream of it.")
def build(first: dt.datetime | None, last: dt.datetime | None, full_refresh: bool, source: str | None) -> None:
    """Read the source databases for some days, land pending files, build every library.

    Subject and share tables take only rows new or changed since the last build; the
    sync log printed at the end says how many each table inserted and updated.
    """
    from hubei_data.cli.jobs import build_days

    day = first.date() if first else dt.date.today() - dt.timedelta(days=1)
    if build_days(day, last.date() if last else day, full_refresh, source):
        click.echo("built; see `hubei-data quality issues` for flagged rows")
    else:
        click.echo(f"{source}: nothing new landed: nothing to build")
