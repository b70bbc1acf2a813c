"""`hubei-data demo`: generate sources, ingest them through both channels, build, summarise."""

import datetime as dt

import click

from hubei_data import warehouse


@click.command()
@click.option("--seed", default=1, show_default=True, help="Same seed, scale and day: same data.")
@click.option("--scale", default=1.0, show_default=True, help="1 is about 10,000 vaccination rows.")
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), help="The day the data is as of (default: today).")
def demo(seed: int, scale: float, as_of: dt.datetime | None) -> None:
    """Generate realistic data with known defects, land and build it all, and summarise."""
    from hubei_data.cli.jobs import build_days
    from hubei_data.cli.summary import print_summary
    from hubei_data.control import schema
    from hubei_data.synth import generate

    schema.upgrade(warehouse.connect_info())
    day = as_of.date() if as_of else dt.date.today()
    landing = warehouse.data_dir() / "landing"
    click.echo(f"generating sources (seed {seed}, scale {scale}, as of {day}) into {landing} and the source database")
    with warehouse.connect() as conn:
        report = generate(landing, seed=seed, scale=scale, as_of=day, conn=conn)
        conn.commit()
    click.echo(f"  {sum(n for by_channel in report.rows.values() for n in by_channel.values())} rows, {len(report.defects)} with a known defect")
    click.echo("landing files and 30 days of source-database extracts, then building every library")
    build_days(day - dt.timedelta(days=30), day - dt.timedelta(days=1))
    print_summary()
