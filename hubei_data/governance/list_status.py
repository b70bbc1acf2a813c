"""Whether the three lists hold: each responsibility published, with data behind it and fresh within its cycle; each
demand met or answered; nothing on the negative list reachable. Every build's checks and `hubei-data lists check`
both ask here."""

import datetime as dt
from dataclasses import dataclass

import dagster as dg
import psycopg
from psycopg import sql

from hubei_data import registry
from hubei_data.api.spec import specs
from hubei_data.catalog import lifecycle
from hubei_data.catalog.declared import datasets_read
from hubei_data.catalog.entry import Entry
from hubei_data.catalog.models import table_name
from hubei_data.exchange.subscription import subscriptions_of
from hubei_data.governance.lists import shared
from hubei_data.governance.negative import manifest_breaches
from hubei_data.ops.freshness import CYCLES


@dataclass(frozen=True)
class Status:
    """One list entry and whether it holds, with what is wrong or why it is sound."""

    kind: str
    code: str
    name: str
    holds: bool
    detail: str


def responsibilities(conn: psycopg.Connection, instance: dg.DagsterInstance, declared: registry.Registry,
                     now: dt.datetime) -> list[Status]:
    """Each responsibility: every catalog entry it names published, with rows behind it, built within its cycle."""
    published = {version.code: version.entry for version in lifecycle.published_versions(conn)}
    apis = specs(declared)
    found = []
    for code, duty in declared.lists["responsibilities"].entries.items():
        problems = []
        for each in duty.catalog:
            entry = published.get(each)
            if entry is None:
                problems.append(f"{each} has no published catalog version")
                continue
            for table in tables_behind(entry, apis):
                problems += _table_problems(conn, instance, each, table, duty.cycle, now)
        found.append(Status("responsibilities", code, duty.name, not problems,
                            "; ".join(problems) or f"published, with data, built within its cycle ({duty.cycle})"))
    return found


def tables_behind(entry: Entry, apis: dict) -> list[str]:
    """The warehouse tables (`schema.table`) holding an entry's data: its own table, or those its data API (among
    `apis`, by name) reads."""
    if entry.kind == "table":
        return [entry.target]
    spec = apis.get(entry.target)
    return [f"share.{table_name(dataset)}" for dataset in datasets_read(spec)] if spec else []


def last_built(instance: dg.DagsterInstance, table: str) -> dt.datetime | None:
    """When the asset of a `schema.table` last materialised, or None if never."""
    event = instance.get_latest_materialization_event(dg.AssetKey(table.split(".")))
    return dt.datetime.fromtimestamp(event.timestamp, dt.UTC) if event else None


def has_rows(conn: psycopg.Connection, table: str) -> bool:
    """Whether a `schema.table` exists and holds a row."""
    if conn.execute("select to_regclass(%s)", (table,)).fetchone()[0] is None:
        return False
    query = sql.SQL("select exists (select 1 from {})").format(sql.Identifier(*table.split(".")))
    return conn.execute(query).fetchone()[0]


def _table_problems(conn, instance, code: str, table: str, cycle: str, now: dt.datetime) -> list[str]:
    if not has_rows(conn, table):
        return [f"{code}: {table} holds no data"]
    built = last_built(instance, table)
    if built is None:
        return [f"{code}: {table} was never built"]
    if now - built > CYCLES[cycle]:
        return [f"{code}: {table} was last built {built:%Y-%m-%d %H:%M} UTC, longer ago than its cycle ({cycle})"]
    return []


def demands(declared: registry.Registry, today: dt.date) -> list[Status]:
    """Each demand: met by a share dataset, a data API or a subscription valid today, or answered in writing."""
    subscriptions = {subscription.id: subscription for subscription in subscriptions_of(declared)}
    found = []
    for code, demand in declared.lists["demands"].entries.items():
        met, lapsed = [], []
        for each in demand.met_by:
            subscription = subscriptions.get(each.name) if each.kind == "subscription" else None
            if subscription is not None and not subscription.active_on(today):
                lapsed.append(f"subscription {each.name} is valid {subscription.valid_from} to"
                              f" {subscription.valid_until}")
            else:
                met.append(f"{each.kind} {each.name}")
        if met:
            detail = "met by " + ", ".join(met)
        elif demand.answer is not None:
            detail = f"answered: {demand.answer}"
        else:
            detail = "not met: " + "; ".join(lapsed)
        found.append(Status("demands", code, demand.asks, bool(met) or demand.answer is not None, detail))
    return found


def negative(declared: registry.Registry, manifest: dict) -> list[str]:
    """Everything that reaches a negative-list item: share model columns, data API answers, subscription fields."""
    found = manifest_breaches(manifest, declared.lists["negative"])
    try:
        shared(declared)
    except registry.RegistryError as error:
        found.append(str(error))
    return found
