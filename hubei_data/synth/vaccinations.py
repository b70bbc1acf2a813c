"""预防接种记录: a child's doses of the national schedule, entered as the clinic gave them."""

import bisect
import datetime as dt
import random
from dataclasses import dataclass

from hubei_data.synth import divisions
from hubei_data.synth.divisions import Division
from hubei_data.synth.vocabulary import SCHEDULE

_DUE_AGES = [age for *_, age in SCHEDULE]
_WINDOW = 30
_HALF_DAY = 43200
# Ten million rows: timedeltas are built once, not per row.
_DAYS = [dt.timedelta(days=n) for n in range(_DUE_AGES[-1] + 64)]
_SECONDS = [dt.timedelta(seconds=n) for n in range(_HALF_DAY)]


@dataclass(slots=True)
class Child:
    """A newborn with a birth certificate: what its vaccination records repeat."""

    cert_no: str
    name: str
    male: bool
    born: dt.date
    id_no: str
    division: Division
    clinic: str


def doses_due(child: Child, last_day: dt.date) -> int:
    """How many doses of the schedule fall due by `last_day`: at least the two at birth."""
    return bisect.bisect_right(_DUE_AGES, (last_day - child.born).days)


def allocate(rng: random.Random, caps: list[int], target: int) -> list[int]:
    """Records per child, each between 1 and its due doses, adding up to `target` when it can.

    Children moved in or out of the province: the system holds only the first doses of many.
    """
    counts = [min(cap, rng.randint(1, 9)) for cap in caps]
    gap = target - sum(counts)
    order = list(range(len(caps)))
    moved = True
    while gap and moved:
        rng.shuffle(order)
        moved = False
        for i in order:
            if gap > 0 and counts[i] < caps[i]:
                counts[i], gap, moved = counts[i] + 1, gap - 1, True
            elif gap < 0 and counts[i] > 1:
                counts[i], gap, moved = counts[i] - 1, gap + 1, True
            if not gap:
                break
    return counts


def records(rng: random.Random, child: Child, doses: int, last_day: dt.date, first_id: int) -> list[list]:
    """The child's first `doses` records; the birth dose of hepatitis B on the day or the next."""
    rows = []
    random_ = rng.random
    for k in range(doses):
        code, name, dose, age = SCHEDULE[k]
        roll = random_()
        if age == 0:
            delay = 0 if roll < 0.75 else 1 if roll < 0.95 else 2
        else:
            delay = int(roll * roll * 40)
        given = min(child.born + _DAYS[age + delay], last_day)
        division, clinic = child.division, child.clinic
        if random_() < 0.05:
            division = divisions.pick(rng)
            clinic = f"{division.code}{1 + int(random_() * 12):04d}"
        rows.append([
            f"JZ{first_id + k:010d}", child.id_no, child.cert_no, child.name, child.born, code, name, dose,
            given, clinic, division.code, None,
        ])
    return rows


def stamp(rng: random.Random, rows: list[list], first_index: int, last_day: dt.date) -> None:
    """updated_at round the last 30 days, never before the dose was given."""
    days = [last_day - _DAYS[n] for n in range(_WINDOW)]
    mornings = {day: dt.datetime(day.year, day.month, day.day, 8) for day in days}
    random_ = rng.random
    for offset, row in enumerate(rows):
        # Every dose is given by last_day, so the later of the two stays inside the window.
        day = max(days[(first_index + offset) % _WINDOW], row[8])
        row[11] = mornings[day] + _SECONDS[int(random_() * _HALF_DAY)]


def finish(row: list, rng: random.Random) -> None:
    """Newborns have no ID number yet; once they do, the certificate number is often left out."""
    newborn = (row[8] - row[4]).days < 30
    if rng.random() < (0.6 if newborn else 0.05):
        row[1] = None
    elif rng.random() < 0.3:
        row[2] = None
