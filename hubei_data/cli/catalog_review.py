"""`hubei-data catalog register|change|submit|approve|reject|list|show|history|check`: the catalog's lifecycle."""

from pathlib import Path

import click
import yaml

from hubei_data.cli.gate import acting, source
from hubei_data.cli.output import FORMATS, emit
from hubei_data.control.schema import connect_current


def _entry_file(path: Path):
    from hubei_data.catalog.entry import EntryError, parse

    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise click.ClickException(f"{path}: cannot read the entry: {error}") from None
    try:
        return parse(document, str(path))
    except EntryError as error:
        raise click.ClickException(str(error)) from None


def _step(step, *args):
    """One lifecycle step as the person acting: done with its audit row, or refused in one line."""
    from hubei_data.catalog.entry import EntryError
    from hubei_data.control.audit_trail import Actor

    with connect_current(autocommit=True) as conn:
        try:
            return step(conn, Actor(acting().username, source()), *args)
        except EntryError as error:
            raise click.ClickException(str(error)) from None


def _describe(changes: dict) -> list[str]:
    """A version's diff in lines a reviewer reads."""
    lines = [f"{name}: {before!r} → {after!r}" for name, (before, after) in changes["fields"].items()]
    lines += [f"data item added: {field}" for field in changes["added"]]
    lines += [f"data item removed: {field}" for field in changes["removed"]]
    lines += [f"data item changed: {field}: " + "; ".join(f"{name} {before!r} → {after!r}"
                                                        for name, (before, after) in differences.items())
              for field, differences in changes["changed"].items()]
    return lines or ["no change to the published version"]


@click.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def register(path: Path) -> None:
    """Register a new catalog entry from a YAML file (the layout `catalog show` prints) as a draft."""
    from hubei_data.catalog import lifecycle

    done = _step(lifecycle.register, _entry_file(path))
    click.echo(f"{done.code}: version {done.version} registered as a draft; `hubei-data catalog submit {done.code}`"
               " sends it for review")


@click.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def change(path: Path) -> None:
    """Change a catalog entry from a YAML file: a new draft version, shown against the published one."""
    from hubei_data.catalog import lifecycle

    done, changes = _step(lifecycle.change, _entry_file(path))
    click.echo(f"{done.code}: version {done.version} is a draft")
    for line in _describe(changes):
        click.echo(f"  {line}")


@click.command()
@click.argument("code")
def submit(code: str) -> None:
    """Submit an entry's draft for a data steward's review."""
    from hubei_data.catalog import lifecycle

    done = _step(lifecycle.submit, code)
    click.echo(f"{code}: version {done.version} submitted for review")


@click.command()
@click.argument("code")
@click.option("--comment", required=True, help="The reviewer's comment, kept with the decision.")
def approve(code: str, comment: str) -> None:
    """Approve the submitted version: it is published and reaches the catalog list."""
    from hubei_data.catalog import lifecycle

    done = _step(lifecycle.decide, code, True, comment)
    click.echo(f"{code}: version {done.version} approved and published")


@click.command()
@click.argument("code")
@click.option("--comment", required=True, help="Why: kept with the decision for whoever changes it next.")
def reject(code: str, comment: str) -> None:
    """Reject the submitted version: the published one stays."""
    from hubei_data.catalog import lifecycle

    done = _step(lifecycle.decide, code, False, comment)
    click.echo(f"{code}: version {done.version} rejected")


@click.command("list")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
def list_entries(fmt: str) -> None:
    """Every catalog entry: what it hangs on, its published version and any version under review."""
    from hubei_data.catalog import lifecycle

    with connect_current() as conn:
        rows = lifecycle.overview(conn)
    emit(["code", "name", "target", "published", "open"], rows, fmt, empty="the catalog is empty")


@click.command()
@click.argument("code")
@click.option("--declared", is_flag=True, help="The entry as the code declares it, to register or change with.")
def show(code: str, declared: bool) -> None:
    """An entry's newest version as YAML (for `register` or `change`); a version under review with its diff.
    With --declared, CODE may also be the table the entry hangs on (resource.recall for a new source)."""
    from hubei_data.catalog import lifecycle
    from hubei_data.catalog.declared import declared_entries
    from hubei_data.catalog.entry import EntryError

    if declared:
        entries = declared_entries()
        on_table = {entry.target: entry for entry in entries.values() if entry.kind == "table"}
        entry = entries.get(code) or on_table.get(code)
        if entry is None:
            raise click.ClickException(f"the code declares no entry {code} (it declares {', '.join(entries)})")
    else:
        with connect_current() as conn:
            try:
                newest = lifecycle.versions(conn, code)[-1]
                if newest.status in lifecycle.OPEN:
                    click.echo(f"# version {newest.version} ({newest.status}) against the published one:")
                    for line in _describe(lifecycle.under_review(conn, code)[1]):
                        click.echo(f"#   {line}")
                else:
                    click.echo(f"# version {newest.version} ({newest.status})")
            except EntryError as error:
                raise click.ClickException(str(error)) from None
        entry = newest.entry
    click.echo(yaml.safe_dump(entry.model_dump(mode="json"), allow_unicode=True, sort_keys=False), nl=False)


@click.command()
@click.argument("code")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
def history(code: str, fmt: str) -> None:
    """Every version of an entry and each step of its review: who, when, with what comment."""
    from hubei_data.catalog import lifecycle
    from hubei_data.catalog.entry import EntryError

    with connect_current() as conn:
        try:
            steps = lifecycle.history(conn, code)
        except EntryError as error:
            raise click.ClickException(str(error)) from None
    emit(["version", "step", "actor", "at", "comment"],
         [[s.version, s.step, s.actor, s.at, s.comment] for s in steps], fmt)


@click.command()
def check() -> None:
    """挂接: every published data item has a column (or API field) behind it, and every column a published item."""
    from hubei_data.catalog import lifecycle, linkage

    with connect_current() as conn:
        entries = lifecycle.published(conn)
        problems = linkage.problems(conn, entries)
    if problems:
        raise click.ClickException(f"{len(problems)} problems linking the catalog:\n  " + "\n  ".join(problems))
    click.echo(f"{len(entries)} published entries, each item linked to its column or field")


COMMANDS = (register, change, submit, approve, reject, list_entries, show, history, check)
