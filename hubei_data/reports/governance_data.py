"""The three lists and the matters catalog as the weekly report shows them: each list check's result and each
matter's support, asked of the same functions as every build's checks and `hubei-data lists check`."""

import datetime as dt
from dataclasses import dataclass

import dagster as dg
import psycopg

from hubei_data.beijing_time import LOCAL
from hubei_data.catalog import manifest
from hubei_data.governance import list_status, lists, matters


@dataclass(frozen=True)
class Governance:
    """The lists' entries and whether each holds, what reaches the negative list, and each matter's support."""

    statuses: list[list_status.Status]
    breaches: list[str]
    matters: list[matters.Support]


def collect(conn: psycopg.Connection, instance: dg.DagsterInstance, now: dt.datetime) -> Governance:
    """The lists and matters as they stand at `now`; a list naming what the catalog lacks is its RegistryError."""
    declared = lists.load()
    statuses = list_status.responsibilities(conn, instance, declared, now)
    statuses += list_status.demands(declared, now.astimezone(LOCAL).date())
    return Governance(statuses, list_status.negative(declared, manifest.load()),
                      matters.report(conn, instance, declared, now))
