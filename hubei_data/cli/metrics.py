"""`hubei-data metrics`: list the indicator system, compute a period, slice any metric."""

import calendar
import datetime as dt

import click

from hubei_data.cli.output import FORMATS, emit

def _registry():
    from hubei_data.metrics.registry import load_registry
    from hubei_data.registry import RegistryError

    try:
        return load_registry()
    except RegistryError as error:
        raise click.ClickException(str(error)) from None


@click.group()
def metrics() -> None:
    """The indicator system (指标体系): atomic, derived, composite and custom metrics."""


@metrics.command("list")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
def list_metrics(fmt: str) -> None:
    """Every metric: code, kind, name, period, granularity, unit, owner and definition (口径)."""
    from hubei_data.metrics.catalog import COLUMNS, metric_rows

    columns = [key for key, _ in COLUMNS]
    emit(columns, [[row[c] for c in columns] for row in metric_rows(_registry())], fmt)


@metrics.command()
@click.option("--month", "month", required=True, help="YYYY-MM: that month's monthly metrics and each of its days' daily ones.")
def compute(month: str) -> None:
    """Compute every metric for a month now, as the monthly and daily schedules would; a rerun replaces."""
    from hubei_data.cli.runs import RunFailed, failure, run

    try:
        first = dt.date.fromisoformat(f"{month}-01")
    except ValueError:
        raise click.ClickException(f"--month {month!r} is not YYYY-MM") from None
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    runs = [("metrics_monthly_job", first, first), ("metrics_daily_job", first, last)]
    failed = []
    for job, start, end in runs:
        result = run(job, tags={"dagster/asset_partition_range_start": start.isoformat(),
                                "dagster/asset_partition_range_end": end.isoformat()})
        span = start.isoformat() if start == end else f"{start}..{end}"
        if not result.success:
            failed.append(failure(result, f"{job} {span}", name_step=True))
            click.secho(f"{job} {span} failed", fg="red", err=True)
            continue
        computed = len(result.get_asset_materialization_events())
        click.echo(f"{job} {span}: {computed} metric partitions computed (run {result.run_id})")
    if failed:
        raise RunFailed(failed)


@metrics.command()
@click.argument("code")
@click.option("--period", required=True, help="YYYY-MM, YYYY-MM-DD, or FROM:TO of either.")
@click.option("--by", "by", multiple=True, help="A dimension to slice by (repeat); default: the metric's total.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
def query(code: str, period: str, by: tuple[str, ...], fmt: str) -> None:
    """Values of one metric per period, sliced by its dimensions."""
    from hubei_data import warehouse
    from hubei_data.control.schema import require_current
    from hubei_data.metrics.query import MetricQueryError, parse_periods, query as read

    registry = _registry()
    try:
        periods = parse_periods(period)
        with warehouse.connect() as conn:
            require_current(conn)
            rows = read(conn, registry, code, periods, by)
    except MetricQueryError as error:
        raise click.ClickException(str(error)) from None
    columns = ["metric", "period_start", "period_end", *by, "value"]
    emit(columns, [[r[c] for c in columns] for r in rows], fmt,
         empty=f"no values: compute the period first (`hubei-data metrics compute --month {period[:7]}`)")
