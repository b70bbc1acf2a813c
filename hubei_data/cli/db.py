"""`hubei-data db`: migrate the platform's own schema and say which revision it is at."""

import click

from hubei_data import warehouse


@click.group()
def db() -> None:
    """The warehouse's own schema (consumers, grants, push and sync logs, metric values): its migrations."""


@db.command()
def upgrade() -> None:
    """Migrate to this release's revision; nothing changes when it is already there."""
    from hubei_data.control import schema

    info = warehouse.connect_info()
    before = schema.current(info)
    schema.upgrade(info)
    after = schema.current(info)
    click.echo(f"at revision {after}" if before == after else f"upgraded from revision {before or 'none'} to {after}")


@db.command()
def current() -> None:
    """The revision the warehouse is at, and the one this release needs."""
    from hubei_data.control import schema

    found, needed = schema.current(warehouse.connect_info()), schema.head()
    state = "up to date" if found == needed else "behind: run `hubei-data db upgrade`"
    click.echo(f"warehouse at revision {found or 'none'}; this release needs {needed} ({state})")
