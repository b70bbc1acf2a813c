"""Government service matters (政务服务事项目录) as declared: each matter with the share datasets and data APIs it
uses, and the big-data center's rejections of list entries (退回记录) followed through their fix."""

import datetime as dt
from typing import Literal

from pydantic import Field, field_validator, model_validator

from hubei_data.registry.lists import LISTS, ListCode
from hubei_data.registry.standards import Declaration, Name, Text

# A rejection moves on only along these steps; a resubmitted entry may be rejected again.
STATUSES = ("rejected", "fixed", "resubmitted", "accepted")
NEXT = {"rejected": ("fixed",), "fixed": ("resubmitted",), "resubmitted": ("accepted", "rejected"), "accepted": ()}


class Matter(Declaration):
    """A service matter (事项) by its code: its name, the department that runs it, and what it reads."""

    name: Text
    department: Text
    datasets: tuple[Name, ...] = ()
    apis: tuple[Name, ...] = ()

    @model_validator(mode="after")
    def _uses_something(self):
        if not self.datasets and not self.apis:
            raise ValueError("a matter names the share datasets or data APIs it uses")
        return self


class Step(Declaration):
    """One step of a rejection: where it stands, since when, and what happened."""

    status: Literal[STATUSES]
    date: dt.date
    note: Text


class Rejection(Declaration):
    """An entry of one of the three lists the provincial big-data center sent back, why, and each step since."""

    list: Literal[tuple(LISTS)]
    entry: ListCode
    reason: Text
    steps: tuple[Step, ...] = Field(min_length=1)

    @field_validator("steps")
    @classmethod
    def _in_order(cls, steps: tuple[Step, ...]) -> tuple[Step, ...]:
        if steps[0].status != "rejected":
            raise ValueError("the first step is the rejection (status: rejected)")
        for before, after in zip(steps, steps[1:]):
            if after.status not in NEXT[before.status]:
                allowed = " or ".join(NEXT[before.status]) or "nothing: it is accepted"
                raise ValueError(f"{before.status} is followed by {allowed}, not {after.status}")
            if after.date < before.date:
                raise ValueError(f"step {after.status} on {after.date} is before step {before.status} on {before.date}")
        return steps

    @property
    def status(self) -> str:
        return self.steps[-1].status


# Each file of entries by code: its path under the registry folder, its model and what an error calls one entry.
CODED = {"matters": ("matters.yaml", Matter, "matter"), "rejections": ("lists/rejections.yaml", Rejection, "rejection")}
