"""Approved data-sharing applications (数据共享申请): one declarative file each, validated on load."""

import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from croniter import croniter

from hubei_data.catalog.models import Dataset, table_name
from hubei_data.catalog.share import SHARE_DATASETS
from hubei_data.row_filter import Condition, parse_condition

DATASETS = {table_name(d): d for d in SHARE_DATASETS}
MODES = ("upsert", "snapshot")
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
_ENV = re.compile(r"^[A-Z][A-Z0-9_]*$")
_FIELDS = ("id", "department", "purpose", "dataset", "fields", "filter", "schedule", "target", "mode",
           "valid_from", "valid_until")


class SubscriptionError(Exception):
    """A subscription file that breaks a rule: the file and what is wrong."""


@dataclass(frozen=True)
class Subscription:
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
    path: Path

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


def subscriptions_dir() -> Path:
    """HUBEI_DATA_SUBSCRIPTIONS, or the project's own `subscriptions/` folder."""
    default = Path(__file__).resolve().parents[2] / "subscriptions"
    return Path(os.environ.get("HUBEI_DATA_SUBSCRIPTIONS", default))


def load_subscriptions(folder: Path | None = None) -> list[Subscription]:
    """Every `*.yaml` in the folder, validated; the first broken file stops the load with its reason."""
    folder = folder or subscriptions_dir()
    if not folder.is_dir():
        return []
    loaded = [load(path) for path in sorted(folder.glob("*.yaml"))]
    ids = [s.id for s in loaded]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise SubscriptionError(f"{folder}: subscription ids used twice: {', '.join(repeated)}")
    return loaded


def load(path: Path) -> Subscription:
    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise SubscriptionError(f"{path}: not readable YAML: {error}") from None
    return parse(spec, path)


def parse(spec, path: Path) -> Subscription:
    def fail(message: str):
        raise SubscriptionError(f"{path}: {message}")

    if not isinstance(spec, dict):
        fail("must be a mapping of the fields " + ", ".join(_FIELDS))
    unknown = sorted(set(spec) - set(_FIELDS))
    missing = [f for f in _FIELDS if f not in spec and f != "filter"]
    if unknown or missing:
        fail("; ".join(filter(None, [unknown and f"unknown fields: {', '.join(unknown)}",
                                     missing and f"missing fields: {', '.join(missing)}"])))
    if not isinstance(spec["id"], str) or not _NAME.match(spec["id"]):
        fail("id must be lower-case letters, digits and _, starting with a letter")
    dataset = DATASETS.get(spec["dataset"])
    if dataset is None:
        fail(f"dataset {spec['dataset']!r} is not a share dataset ({', '.join(DATASETS)})")
    if dataset.api_only:
        fail(f"dataset {spec['dataset']!r} holds personal fields whole and is served only by the data API")
    items = {i.name: i for i in dataset.items}
    fields = spec["fields"]
    if not isinstance(fields, list) or not fields or not all(isinstance(f, str) for f in fields):
        fail("fields must be a non-empty list of field names")
    strangers = [f for f in fields if f not in items]
    if strangers:
        fail(f"fields not in {spec['dataset']}: {', '.join(strangers)}")
    if spec["mode"] not in MODES:
        fail(f"mode must be one of {', '.join(MODES)}")
    if spec["mode"] == "upsert" and not set(dataset.key) <= set(fields):
        fail(f"upsert needs the key fields {', '.join(dataset.key)} among the fields")
    if not isinstance(spec["schedule"], str) or not croniter.is_valid(spec["schedule"]):
        fail(f"schedule {spec['schedule']!r} is not a cron expression")
    target = spec["target"]
    if not isinstance(target, dict) or set(target) != {"url_env", "table"}:
        fail("target must hold exactly url_env (an environment variable's name) and table")
    if not isinstance(target["url_env"], str) or not _ENV.match(target["url_env"]):
        fail("target.url_env must name an environment variable (upper case): URLs never live in the file")
    if not isinstance(target["table"], str) or not _NAME.match(target["table"]):
        fail("target.table must be lower-case letters, digits and _, starting with a letter")
    first, last = _date(spec["valid_from"], "valid_from", fail), _date(spec["valid_until"], "valid_until", fail)
    if last < first:
        fail("valid_until is before valid_from")
    conditions = tuple(parse_condition(c, items, fail) for c in (spec.get("filter") or []))
    return Subscription(
        id=spec["id"], department=str(spec["department"]), purpose=str(spec["purpose"]), dataset=dataset,
        fields=tuple(fields), conditions=conditions, schedule=spec["schedule"], target_env=target["url_env"],
        target_table=target["table"], mode=spec["mode"], valid_from=first, valid_until=last, path=path,
    )


def _date(value, name: str, fail) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        fail(f"{name} must be a date YYYY-MM-DD")
