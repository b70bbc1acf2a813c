"""Approved data-sharing applications (数据共享申请) as declared: what a department receives, how often, where, and
for how long."""

import datetime as dt
import re
from typing import Annotated, Literal

from croniter import croniter
from pydantic import AfterValidator, BeforeValidator, Field, ValidationInfo, field_validator

from hubei_data.registry.metrics import Code
from hubei_data.registry.standards import Declaration, Name, Text

MODES = ("upsert", "snapshot")


def _cron(value: str) -> str:
    if not croniter.is_valid(value):
        raise ValueError(f"{value!r} is not a cron expression")
    return value


def _variable(value: str) -> str:
    if not re.fullmatch(r"[A-Z][A-Z0-9_]*", value):
        raise ValueError("must name an environment variable (upper case): URLs never live in the file")
    return value


def _conditions(value):
    if not isinstance(value, list):
        raise ValueError("must be a list of conditions, each a mapping of field, op and value")
    return value


Cron = Annotated[str, AfterValidator(_cron)]
Variable = Annotated[str, AfterValidator(_variable)]


class Target(Declaration):
    """The department's front-end database (前置库): the variable holding its URL, never the URL, and the table."""

    url_env: Variable
    table: Code


class Subscription(Declaration):
    """One approved application: the fields of one share dataset and the rows its `filter` (口径) keeps, pushed
    on a cron `schedule` (Asia/Shanghai) into the target's table, upserted by key or replaced whole, while the
    application is valid.

    The dataset, its fields and the filter are checked against the share library where pushes read them
    (hubei_data.exchange.subscription), once the registry has loaded and the share datasets are built from it."""

    id: Code
    department: Text
    purpose: Text
    dataset: Name
    fields: tuple[Name, ...] = Field(min_length=1)
    filter: Annotated[tuple[dict, ...], BeforeValidator(_conditions)] = ()
    schedule: Cron
    target: Target
    mode: Literal[MODES]
    valid_from: dt.date
    valid_until: dt.date

    @field_validator("valid_until")
    @classmethod
    def _after_valid_from(cls, value: dt.date, info: ValidationInfo) -> dt.date:
        if "valid_from" in info.data and value < info.data["valid_from"]:
            raise ValueError(f"is before valid_from ({info.data['valid_from']})")
        return value
