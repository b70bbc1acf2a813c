"""Approved data-sharing applications (数据共享申请) as pushes run them: the registry's subscriptions
(registry/subscriptions/), each checked against the share dataset it reads."""

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from hubei_data import registry
from hubei_data.catalog.models import Dataset, table_name
from hubei_data.catalog.share import DATASETS
from hubei_data.governance.negative import read_breaches
from hubei_data.registry.contents import SPREAD
from hubei_data.registry.subscriptions import Subscription as Declared
from hubei_data.row_filter import Condition, parse_condition


class SubscriptionError(Exception):
    """A push that cannot start from here: the variable naming its target's URL is not set."""


@dataclass(frozen=True)
class Subscription:
    """A declared subscription (hubei_data.registry.subscriptions.Subscription says what each field means) with
    its share dataset, its filter's typed conditions and the file (as errors name it) declaring it."""

    id: str
    department: str
    purpose: str
    dataset: Dataset
    fields: tuple[str, ...]
    conditions: tuple[Condition, ...]
    schedule: str
    target_env: str
    target_table: str
    mode: str
    valid_from: dt.date
    valid_until: dt.date
    file: str

    @property
    def table(self) -> str:
        return table_name(self.dataset)

    @property
    def key(self) -> tuple[str, ...]:
        return self.dataset.key

    def target_missing(self) -> str | None:
        """Why the target cannot be reached from here, or None when its URL is set."""
        if os.environ.get(self.target_env):
            return None
        return f"{self.target_env} is not set (the SQLAlchemy URL of the front-end database of {self.department})"

    def target_url(self) -> str:
        missing = self.target_missing()
        if missing:
            raise SubscriptionError(missing)
        return os.environ[self.target_env]

    def active_on(self, day: dt.date) -> bool:
        return self.valid_from <= day <= self.valid_until


def load_subscriptions(root: Path | None = None) -> list[Subscription]:
    """Every subscription the registry under `root` (by default registry/) declares, in the order of their files,
    none sending an item of the negative list (负面清单).

    The share datasets it is checked against are built from the registry's catalog declarations once the registry
    has loaded, so this check follows the load rather than being part of it; it needs no database."""
    return subscriptions_of(registry.load(root))


def subscriptions_of(declared: registry.Registry) -> list[Subscription]:
    """The subscriptions of a loaded registry, each checked as `load_subscriptions` checks them."""
    files = declared.declared_in["subscriptions"]
    subscriptions = [checked(subscription, files[name]) for name, subscription in declared.subscriptions.items()]
    for subscription in subscriptions:
        found = read_breaches(declared.lists["negative"], [subscription.dataset], subscription.fields)
        if found:
            raise declared.error("subscriptions", subscription.id, "fields", "; ".join(found))
    return subscriptions


def checked(declared: Declared, file: str) -> Subscription:
    """A declared subscription over a share dataset that is not served by the data API alone, sending fields of
    it (the key among them for an upsert) and keeping rows by conditions on them; else the RegistryError naming
    `file`, the subscription, the field and why."""

    def fail(field: str, reason: str):
        raise registry.RegistryError(file, f"{SPREAD['subscriptions'].label} {declared.id}", field, reason)

    dataset = DATASETS.get(declared.dataset)
    if dataset is None:
        fail("dataset", f"{declared.dataset!r} is not a share dataset ({', '.join(DATASETS)})")
    if dataset.api_only:
        fail("dataset", f"{declared.dataset!r} holds personal fields whole and is served only by the data API")
    items = {item.name: item for item in dataset.items}
    strangers = [field for field in declared.fields if field not in items]
    if strangers:
        fail("fields", f"fields not in {declared.dataset}: {', '.join(strangers)}")
    if declared.mode == "upsert" and not set(dataset.key) <= set(declared.fields):
        fail("fields", f"an upsert sends the key fields {', '.join(dataset.key)} among the fields")
    conditions = tuple(parse_condition(condition, items, lambda reason, at=f"filter[{number}]": fail(at, reason))
                       for number, condition in enumerate(declared.filter))
    return Subscription(
        id=declared.id, department=declared.department, purpose=declared.purpose, dataset=dataset,
        fields=declared.fields, conditions=conditions, schedule=declared.schedule, target_env=declared.target.url_env,
        target_table=declared.target.table, mode=declared.mode, valid_from=declared.valid_from,
        valid_until=declared.valid_until, file=file,
    )
