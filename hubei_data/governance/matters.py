"""The matters catalog (事项目录) reported: each government service matter fully, partly or not supported by the data
it uses, and the share datasets it depends on."""

import datetime as dt
from dataclasses import dataclass

import dagster as dg
import psycopg

from hubei_data import registry
from hubei_data.api.spec import specs
from hubei_data.catalog import lifecycle
from hubei_data.catalog.declared import datasets_read
from hubei_data.catalog.models import table_name
from hubei_data.catalog.share import DATASETS
from hubei_data.governance.list_status import has_rows, last_built
from hubei_data.ops.freshness import allowed_age
from hubei_data.registry.listed import error

FULLY, PARTLY, NOT = "fully", "partly", "not"


@dataclass(frozen=True)
class Support:
    """A matter, how far its data supports it, the share datasets it depends on and what falls short."""

    code: str
    name: str
    department: str
    support: str
    datasets: tuple[str, ...]
    problems: tuple[str, ...]


def check(declared: registry.Registry) -> None:
    """Refuse a matter naming a share dataset the catalog does not declare (its APIs the registry checks)."""
    for code, matter in declared.matters.items():
        unknown = [name for name in matter.datasets if name not in DATASETS]
        if unknown:
            raise error(declared.root, "matters", code, "datasets",
                        f"{', '.join(unknown)} is not a share dataset ({', '.join(DATASETS)})")


def report(conn: psycopg.Connection, instance: dg.DagsterInstance, declared: registry.Registry,
           now: dt.datetime) -> list[Support]:
    """Each matter: supported fully when every share dataset it uses, itself or through its data APIs (which the
    registry holds defined), is published, holds data and is fresh within its update cycle; not at all when none
    is; partly otherwise."""
    check(declared)
    apis = specs(declared)
    found = []
    for code, matter in declared.matters.items():
        read = {name: None for name in matter.datasets}
        for api in matter.apis:
            read |= {table_name(dataset): None for dataset in datasets_read(apis[api])}
        problems = [problem for name in read if (problem := _dataset_problem(conn, instance, name, now))]
        support = FULLY if not problems else NOT if len(problems) == len(read) else PARTLY
        found.append(Support(code, matter.name, matter.department, support, tuple(read), tuple(problems)))
    return found


def _dataset_problem(conn, instance, name: str, now: dt.datetime) -> str | None:
    table = f"share.{name}"
    if not lifecycle.published_on(conn, table):
        return f"{name}: no published catalog entry"
    if not has_rows(conn, table):
        return f"{name}: holds no data"
    built = last_built(instance, table)
    if built is None or now - built > allowed_age(DATASETS[name]):
        return f"{name}: not built within its update cycle ({DATASETS[name].update_frequency})"
    return None
