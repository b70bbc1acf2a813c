"""`hubei-data freeze|unfreeze|freezes`: stop one asset, bureau feed or subscription, and let it go again."""

import click

from hubei_data.cli.gate import acting, source
from hubei_data.cli.output import FORMATS, emit
from hubei_data.control.schema import connect_current
from hubei_data.ops.freezes import KINDS


def _change(change, *args):
    """Freeze or unfreeze as the person acting; the change and its audit row, or a refusal in one line."""
    from hubei_data.control.audit_trail import Actor
    from hubei_data.ops.freezes import FreezeError

    with connect_current(autocommit=True) as conn:
        try:
            return change(conn, Actor(acting().username, source()), *args)
        except FreezeError as error:
            raise click.ClickException(str(error)) from None


@click.command()
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("name")
@click.option("--reason", required=True, help="Why: shown wherever the freeze stops something.")
def freeze(kind: str, name: str, reason: str) -> None:
    """Freeze an asset (as the UI names it, e.g. share/penalty_info), a bureau feed or a subscription: its schedules
    and sensors skip it saying why, a frozen feed or subscription sends nothing, and a run writing a frozen asset
    fails before it writes."""
    from hubei_data.ops import freezes

    done = _change(freezes.freeze, kind, name, reason)
    click.echo(f"{done.subject}: {done.describe()}")


@click.command()
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("name")
def unfreeze(kind: str, name: str) -> None:
    """Release a freeze: the thing acts again at its next schedule or sensor tick."""
    from hubei_data.ops import freezes

    done = _change(freezes.unfreeze, kind, name)
    click.echo(f"{done.subject}: unfrozen by {done.unfrozen_by} ({done.describe()})")


@click.command("freezes")
@click.option("--all", "everything", is_flag=True, help="Released freezes too (the newest 100).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
def list_freezes(everything: bool, fmt: str) -> None:
    """What is frozen now, by whom, when and why (with --all, released freezes too)."""
    from hubei_data.ops import freezes

    with connect_current() as conn:
        rows = freezes.history(conn, 100) if everything else list(freezes.frozen(conn).values())
    emit(["kind", "name", "reason", "frozen_by", "frozen_at", "unfrozen_by", "unfrozen_at"],
         [[f.kind, f.name, f.reason, f.frozen_by, f.frozen_at, f.unfrozen_by, f.unfrozen_at] for f in rows], fmt,
         empty="nothing is frozen" if not everything else "nothing was ever frozen")
