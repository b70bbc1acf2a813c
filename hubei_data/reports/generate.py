"""Making each report: collect its rows, lay them out, write the files; what the commands and the schedule call."""

import datetime as dt
from pathlib import Path

import dagster as dg
import psycopg

from hubei_data import runner
from hubei_data.control.audit_trail import Actor
from hubei_data.control.schema import require_current
from hubei_data.exchange.subscription import load_subscriptions
from hubei_data.reports import (adhoc, annual, annual_data, governance_data, quality_bulletin, quality_data, weekly,
                                weekly_data, writing)
from hubei_data.reports.periods import Week


def weekly_report(conn: psycopg.Connection, week: Week, directory: Path, by: Actor, now: dt.datetime | None = None,
                  instance: dg.DagsterInstance | None = None) -> tuple[weekly_data.WeeklyData, list[Path]]:
    """政务信息共享情况周报 of one week; its numbers and the files written. The lists and matters are read from
    `instance` (default: this process's), where builds record when each table was last built."""
    require_current(conn)
    now = now or dt.datetime.now(dt.UTC)
    data = weekly_data.collect(conn, week, load_subscriptions())
    lists = governance_data.collect(conn, instance or runner.instance(), now)
    return data, writing.publish(conn, weekly.build(data, lists, now), directory, by)


def quality_report(conn: psycopg.Connection, week: Week, directory: Path, by: Actor,
                   now: dt.datetime | None = None) -> tuple[list[quality_data.SystemWeek], list[Path]]:
    """数据质量通报 of one week; the systems as ranked and the files written."""
    require_current(conn)
    systems = quality_data.collect(conn, week)
    return systems, writing.publish(conn, quality_bulletin.build(week, systems, now or dt.datetime.now(dt.UTC)),
                                    directory, by)


def annual_report(conn: psycopg.Connection, instance: dg.DagsterInstance, year: int, directory: Path, by: Actor,
                  now: dt.datetime | None = None) -> list[Path]:
    """年度运维报告 of one year; the files written."""
    require_current(conn)
    data = annual_data.collect(conn, instance, year)
    return writing.publish(conn, annual.build(data, now or dt.datetime.now(dt.UTC)), directory, by)


def adhoc_report(conn: psycopg.Connection, sql_text: str, title: str, timeout_seconds: int, directory: Path,
                 by: Actor, now: dt.datetime | None = None) -> list[Path]:
    """A titled report of one read-only query; the files written."""
    report = adhoc.build(sql_text, title, timeout_seconds, by, now or dt.datetime.now(dt.UTC))
    return writing.publish(conn, report, directory, by)
