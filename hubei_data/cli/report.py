"""`hubei-data report`: the weekly sharing report and quality bulletin, the annual O&M report and ad-hoc SQL reports,
as HTML and XLSX."""

from pathlib import Path

import click

from hubei_data import adhoc_query, warehouse
from hubei_data.cli.gate import acting, source
from hubei_data.control.audit_trail import Actor
from hubei_data.registry import RegistryError
from hubei_data.reports import ReportError

_REFUSALS = (ReportError, RegistryError, adhoc_query.QueryRefused, warehouse.WarehouseError)


@click.group()
def report() -> None:
    """Reports (报告): 政务信息共享情况周报, 数据质量通报, 年度运维报告 and ad-hoc SQL reports, each as HTML and XLSX."""


def _output(command):
    return click.option(
        "--output", type=click.Path(file_okay=False, path_type=Path),
        help="Folder to write into.  [default: HUBEI_DATA_REPORTS_DIR, else <data dir>/reports]",
    )(command)


def _make(write) -> None:
    """Run `write(conn, by)` and print each file written; a refusal or failure is one line."""
    by = Actor(acting().username, source())
    try:
        with warehouse.connect(autocommit=True) as conn:
            written = write(conn, by)
    except _REFUSALS as error:
        # The server adds the statement and a caret on lines of their own; the cause is the first.
        raise click.ClickException(str(error).strip().splitlines()[0]) from None
    for path in written:
        click.echo(str(path))


def _directory(output: Path | None) -> Path:
    from hubei_data.reports.writing import reports_dir

    return output or reports_dir()


def _week(command):
    return click.option(
        "--week", help="ISO week, e.g. 2026-W48 (Monday to Sunday, Beijing time).  [default: the last full week]",
    )(command)


def _make_week(make, week: str | None, output: Path | None) -> None:
    """`_make` for a report of one week: `make(conn, week, directory, by)` returns what it found and its files."""
    from hubei_data.reports.periods import Week

    def write(conn, by):
        chosen = Week.parse(week) if week else Week.last_complete()
        return make(conn, chosen, _directory(output), by)[1]

    _make(write)


@report.command()
@_week
@_output
def weekly(week: str | None, output: Path | None) -> None:
    """政务信息共享情况周报: rows pushed, pushes failed and recovered, API calls, new quality issues and
    rectification tickets, per department, dataset and source, for one week; and the three lists and matters."""
    from hubei_data.reports.generate import weekly_report

    _make_week(weekly_report, week, output)


@report.command()
@_week
@_output
def quality(week: str | None, output: Path | None) -> None:
    """数据质量通报: source systems ranked by rectification tickets open at the week's end, defect rate (rows
    flagged of rows received in the week) and median days to fix the tickets resolved in the week."""
    from hubei_data.reports.generate import quality_report

    _make_week(quality_report, week, output)


@report.command()
@click.option("--year", type=click.IntRange(2000, 2999), help="Calendar year.  [default: this year]")
@_output
def annual(year: int | None, output: Path | None) -> None:
    """年度运维报告: availability, incidents, runs, backups and drills, data volumes and growth, by month."""
    from hubei_data import runner
    from hubei_data.reports.generate import annual_report
    from hubei_data.reports.periods import today

    _make(lambda conn, by: annual_report(conn, runner.instance(), year or today().year, _directory(output), by))


@report.command()
@click.option("--sql", "sql_file", required=True, type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="A file holding one read-only query (UTF-8).")
@click.option("--title", required=True, help="The report's title, also its files' name.")
@click.option("--timeout", default=60, show_default=True, type=click.IntRange(1, adhoc_query.MAX_TIMEOUT_SECONDS),
              help="Seconds before the server cancels the query.")
@_output
def adhoc(sql_file: Path, title: str, timeout: int, output: Path | None) -> None:
    """A report of one query: its rows as a table, and a bar chart of its numeric columns against the first.

    The query runs as `hubei-data query` does: read-only, one statement, audited.
    """
    from hubei_data.reports.generate import adhoc_report

    try:
        sql_text = sql_file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise click.ClickException(f"{sql_file}: cannot be read as UTF-8 text ({error})") from None
    _make(lambda conn, by: adhoc_report(conn, sql_text, title, timeout, _directory(output), by))
