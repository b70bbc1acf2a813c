"""Hubei divisions from the shipped seed list, with the place names rows are built from."""

import bisect
import csv
import random
from dataclasses import dataclass
from functools import cache
from itertools import accumulate

from hubei_data.contracts.standards import DIVISIONS_CSV

# Outside Hubei, or inside 42 but absent from the list: what a hubei_division defect uses.
INVALID_DIVISIONS = ("110101", "310115", "440305", "429999", "420199", "421500")


@dataclass(frozen=True)
class Division:
    """A county-level place (or a prefecture without counties) and its prefecture."""

    code: str
    name: str
    prefecture_code: str
    prefecture_name: str

    @property
    def city(self) -> str:
        """The short city name enterprise names start with: 武汉, 恩施, 神农架."""
        name = self.prefecture_name
        for suffix in ("土家族苗族自治州", "林区", "市"):
            if name.endswith(suffix):
                return name[: -len(suffix)]
        return name

    @property
    def place(self) -> str:
        """湖北省武汉市洪山区, or 湖北省仙桃市 for a prefecture without counties."""
        if self.code == self.prefecture_code:
            return f"湖北省{self.prefecture_name}"
        return f"湖北省{self.prefecture_name}{self.name}"


@cache
def leaves() -> tuple[Division, ...]:
    """Every place a row can be located in, in seed order."""
    with DIVISIONS_CSV.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    names = {row["division_code"]: row["division_name"] for row in rows}
    with_counties = {row["prefecture_code"] for row in rows if row["level"] == "county"}
    return tuple(
        Division(row["division_code"], row["division_name"], row["prefecture_code"], names[row["prefecture_code"]])
        for row in rows
        if row["level"] == "county" or (row["level"] == "prefecture" and row["division_code"] not in with_counties)
    )


@cache
def _cumulative_weights() -> tuple[float, ...]:
    # Wuhan holds about a third of the province's enterprises and births.
    return tuple(accumulate(4.0 if d.prefecture_code == "420100" else 1.0 for d in leaves()))


def pick(rng: random.Random) -> Division:
    """A place, weighted towards Wuhan."""
    weights = _cumulative_weights()
    return leaves()[bisect.bisect_right(weights, rng.random() * weights[-1])]
