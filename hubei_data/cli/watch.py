"""`hubei-data watch|status|alerts`: the platform watching itself, and what it saw."""

import time

import click

from hubei_data.cli.output import FORMATS, emit
from hubei_data.control.schema import connect_current

DEFAULT_INTERVAL = 60


@click.command()
@click.option("--interval", type=click.IntRange(5, 3600), default=DEFAULT_INTERVAL, show_default=True,
              help="Seconds between passes.")
@click.option("--once", is_flag=True, help="One pass, then stop.")
def watch(interval: int, once: bool) -> None:
    """Probe the host, the warehouse and every endpoint; open and resolve alerts; deliver their messages."""
    from hubei_data.ops.watch import watch_once

    while True:
        started = time.monotonic()
        with connect_current(autocommit=True) as conn:
            done = watch_once(conn)
        click.echo(f"{time.strftime('%H:%M:%S')} {done.samples} samples, {len(done.opened)} alerts opened,"
                   f" {len(done.resolved)} resolved, {done.delivered} messages sent, {done.waiting} waiting")
        if once:
            return
        time.sleep(max(0.0, interval - (time.monotonic() - started)))


@click.command()
@click.option("--all", "everything", is_flag=True, help="Resolved alerts too (the last 100).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
def alerts(everything: bool, fmt: str) -> None:
    """Alerts still open, the most severe first (with --all, the latest resolved ones too)."""
    from hubei_data.ops.alerting import alert_list

    with connect_current(autocommit=True) as conn:
        rows = alert_list(conn, everything)
    columns = ["alert_id", "severity", "rule", "target", "message", "office", "opened_at", "resolved_at"]
    emit(columns, [[row[c] for c in columns] for row in rows], fmt, empty="no open alerts")


@click.command()
def status() -> None:
    """One health page: the latest reading of every probe, the open alerts and what is frozen."""
    from hubei_data.ops.alerting import alert_list
    from hubei_data.ops.freezes import frozen
    from hubei_data.ops.readings import latest

    with connect_current(autocommit=True) as conn:
        readings, open_alerts, freezes = latest(conn), alert_list(conn, False), frozen(conn)
    if not readings:
        click.echo("no probe has run yet: `hubei-data watch --once` (or `hubei-data up`)")
    else:
        click.echo(f"probes as of {max(r['at'] for r in readings):%Y-%m-%d %H:%M:%S %Z}:")
        emit(["probe", "target", "value", "ok", "detail"],
             [[r["probe"], r["target"], r["value"], "ok" if r["ok"] else "FAILED", r["detail"]] for r in readings],
             "table")
    click.echo(f"\n{len(open_alerts)} open alerts" + (":" if open_alerts else ""))
    for alert in open_alerts:
        click.echo(f"  [{alert['severity']}] {alert['message']}  (since {alert['opened_at']:%Y-%m-%d %H:%M})")
    if freezes:
        click.echo("\nfrozen:")
    for freeze in freezes.values():
        click.echo(f"  {freeze.subject}: {freeze.describe()}")
