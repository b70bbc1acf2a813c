"""日常监督检查 and 行政处罚: inspections and penalties of the generated enterprises."""

import datetime as dt
import random
from collections.abc import Iterator
from decimal import Decimal

from hubei_data.synth.dates import between, updated_at, years_later
from hubei_data.synth.flows import to_supplement, to_table
from hubei_data.synth.parts import Outputs
from hubei_data.synth.vocabulary import INSPECTION_RESULTS, VIOLATIONS
from hubei_data.synth.world import World

HISTORY_YEARS = 3
_FINDINGS = {"符合": (0, 0), "基本符合": (1, 5), "不符合": (3, 15)}


def generate(world: World, outputs: Outputs) -> None:
    to_table(world, outputs, "inspection", lambda rng, n: inspections(world, rng, n))
    to_supplement(world, outputs, "inspection", lambda rng, n: inspections(world, rng, n))
    to_table(world, outputs, "penalty", lambda rng, n: penalties(world, rng, n))
    to_supplement(world, outputs, "penalty", lambda rng, n: penalties(world, rng, n))


def inspections(world: World, rng: random.Random, count: int) -> Iterator[list]:
    """By the county bureau (sometimes the city's), findings as many as the result suggests."""
    since = years_later(world.as_of, -HISTORY_YEARS)
    results = [r for r, _ in INSPECTION_RESULTS]
    weights = [w for _, w in INSPECTION_RESULTS]
    for i in range(count):
        enterprise = rng.choice(world.enterprises)
        inspected = between(rng, max(since, enterprise.established_on), world.last_day)
        result = rng.choices(results, weights)[0]
        division = enterprise.division
        yield [
            f"JC{inspected.year}{world.serials.take(f'JC{inspected.year}', 7)}",
            enterprise.uscc,
            inspected,
            division.prefecture_code if rng.random() < 0.3 else division.code,
            result,
            rng.randint(*_FINDINGS[result]),
            updated_at(rng, world.as_of, i, inspected),
        ]


def penalties(world: World, rng: random.Random, count: int) -> Iterator[list]:
    """Decisions of the provincial bureau (鄂药监罚) or a city bureau, fines in whole yuan."""
    since = years_later(world.as_of, -HISTORY_YEARS)
    for i in range(count):
        enterprise = rng.choice(world.enterprises)
        decided = between(rng, max(since, enterprise.established_on + dt.timedelta(days=90)), world.last_day)
        issuer = "鄂药监罚" if rng.random() < 0.2 else f"{enterprise.division.city}市监罚"
        serial = int(world.serials.take(f"{issuer}{decided.year}", 6))
        confiscated = Decimal(rng.randint(10000, 5000000)) / 100 if rng.random() < 0.4 else None
        yield [
            f"{issuer}〔{decided.year}〕{serial}号",
            enterprise.uscc,
            decided,
            rng.choice(VIOLATIONS),
            Decimal(rng.randint(20, 5000) * 100),
            confiscated,
            updated_at(rng, world.as_of, i, decided),
        ]
