"""`hubei-data push`: push the bureau feeds, see every feed's state, reconcile with the bureau."""

import click

from hubei_data import warehouse
from hubei_data.cli.output import FORMATS, emit
from hubei_data.exchange.feeds import FEEDS


@click.group()
def push() -> None:
    """Data leaving the platform: national bureau feeds and departments' front-end databases."""


@push.command()
@click.option("--feed", "feeds", multiple=True, type=click.Choice(list(FEEDS)), help="Default: every feed.")
def bureau(feeds: tuple[str, ...]) -> None:
    """Push what changed in each feed since the bureau last acknowledged it.

    Needs HUBEI_DATA_BUREAU_URL, HUBEI_DATA_BUREAU_APP_KEY and HUBEI_DATA_BUREAU_APP_SECRET.
    A push that fails (the bureau down past every retry) leaves its batch pending; the next
    push sends it again first, and the bureau recognises it.
    """
    _require_configuration()
    _run_and_report("feed", {name: f"push_{name}_job" for name in feeds or FEEDS}, lambda meta: (
        f"{meta['records_sent']} records in {meta['batches']} batches ({meta['resumed_batches']} resumed),"
        f" {meta['accepted']} accepted, {meta['rejected']} rejected"
    ))


def _run_and_report(kind: str, jobs: dict[str, str], summary) -> None:
    """Run each job and print a line from each push's materialisation; end on the causes of any that failed."""
    from hubei_data.cli.runs import RunFailed, failure, run

    failed = []
    for name, job in jobs.items():
        result = run(job)
        if not result.success:
            failed.append(failure(result, f"{kind} {name}"))
            click.secho(f"{name}: push failed", fg="red", err=True)
            continue
        for event in result.get_asset_materialization_events():
            meta = {k: v.value for k, v in event.event_specific_data.materialization.metadata.items()}
            click.echo(f"{name}: {summary(meta)}")
    if failed:
        raise RunFailed(failed)


@push.command()
@click.option("--subscription", "chosen", multiple=True, help="Default: every subscription.")
def share(chosen: tuple[str, ...]) -> None:
    """Push subscriptions into their departments' front-end databases now, as their schedules would."""
    from hubei_data.exchange.subscription import load_subscriptions

    known = {s.id: s for s in _subscriptions(load_subscriptions)}
    unknown = sorted(set(chosen) - set(known))
    if unknown:
        raise click.ClickException(f"unknown subscriptions: {', '.join(unknown)} (known: {', '.join(known)})")
    _run_and_report("subscription", {name: f"share_{name}_job" for name in chosen or known}, lambda meta: (
        f"{meta['status']}, {meta['rows']} rows in {meta['seconds']} s"
        + (f" — {meta['message']}" if meta["message"] else "")
    ))


@push.command()
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
def status(fmt: str) -> None:
    """Every bureau feed and every subscription: what is waiting, late, failed, rejected or expiring."""
    from hubei_data.exchange.status import all_feed_status
    from hubei_data.exchange.subscription import load_subscriptions
    from hubei_data.exchange.subscription_status import subscription_status

    subscriptions = _subscriptions(load_subscriptions)
    with warehouse.connect() as conn:
        states = all_feed_status(conn)
        shares = [subscription_status(conn, s) for s in subscriptions]
    feeds = [
        ["国家局", s.feed, s.records, s.acknowledged, s.waiting, s.overdue, s.rejected, s.pending_batches,
         s.last_acknowledged_at, s.state]
        if s else ["国家局", name, None, None, None, None, None, None, None, "share dataset not built"]
        for name, s in zip(FEEDS, states)
    ]
    emit(["to", "feed", "records", "acknowledged", "waiting", "overdue", "rejected", "pending batches",
          "last acknowledged", "state"], feeds, fmt)
    if fmt == "table":
        click.echo()
    emit(
        ["to", "subscription", "dataset", "target table", "mode", "last push", "last status", "last rows",
         "valid until", "state"],
        [[s.subscription.department, s.subscription.id, s.subscription.table, s.subscription.target_table,
          s.subscription.mode, s.last_push_at, s.last_status, s.last_rows, s.subscription.valid_until, s.state]
         for s in shares],
        fmt,
        empty="no subscriptions",
    )


@push.command()
@click.option("--feed", "feeds", multiple=True, type=click.Choice(list(FEEDS)), help="Default: every feed.")
def reconcile(feeds: tuple[str, ...]) -> None:
    """Compare what the bureau holds with what it acknowledged; exit 1 on any difference."""
    from hubei_data.exchange.bureau import BureauRefused, BureauUnavailable, HttpBureau
    from hubei_data.exchange.reconcile import reconcile as compare
    from hubei_data.exchange.resources import APP_KEY, APP_SECRET, URL

    settings = _require_configuration()
    client = HttpBureau(settings[URL], settings[APP_KEY], settings[APP_SECRET])
    results = []
    with warehouse.connect() as conn:
        for name in feeds or FEEDS:
            try:
                results.append(compare(conn, client, FEEDS[name]))
            except (BureauUnavailable, BureauRefused) as error:
                raise click.ClickException(f"{name}: the bureau did not answer: {error}") from None
    emit(
        ["feed", "held by bureau", "acknowledged", "missing at bureau", "unknown at bureau", "different", "agrees"],
        [[r.feed, r.held, r.acknowledged, len(r.missing_at_bureau), len(r.unknown_at_bureau), len(r.different),
          r.agrees] for r in results],
        "table",
    )
    differing = [f"{r.feed} ({len(r.missing_at_bureau)} missing at the bureau, {len(r.unknown_at_bureau)} unknown "
                 f"to us, {len(r.different)} different)" for r in results if not r.agrees]
    if differing:
        raise click.ClickException(f"the bureau's holdings differ from its acknowledgements: {'; '.join(differing)}")


def _subscriptions(load) -> list:
    from hubei_data.registry import RegistryError

    try:
        return load()
    except RegistryError as error:
        raise click.ClickException(str(error)) from None


def _require_configuration() -> dict[str, str]:
    from hubei_data.exchange.resources import BureauNotConfigured, require_configuration

    try:
        return require_configuration()
    except BureauNotConfigured as error:
        raise click.ClickException(str(error)) from None
