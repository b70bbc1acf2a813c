"""企业基本信息: enterprises every other drug-regulator source refers to."""

import datetime as dt
import random
from collections.abc import Iterator

from hubei_data.synth import divisions
from hubei_data.synth.dates import between, updated_at
from hubei_data.synth.flows import to_supplement, to_table
from hubei_data.synth.parts import Outputs
from hubei_data.synth.people import adult_name
from hubei_data.synth.vocabulary import BRAND_CHARS, ENTERPRISE_SUFFIXES, ENTERPRISE_TYPE_WEIGHTS, ROADS
from hubei_data.synth.world import EnterpriseRef, World

_TYPES = tuple(ENTERPRISE_TYPE_WEIGHTS)
_WEIGHTS = tuple(ENTERPRISE_TYPE_WEIGHTS.values())
_STATUSES = (("存续", 88), ("注销", 8), ("吊销", 4))


def generate(world: World, outputs: Outputs) -> None:
    """The enterprise table, whose clean rows the world offers for reference, and a supplement."""
    by_code = {d.code: d for d in divisions.leaves()}

    def ref(row: list) -> EnterpriseRef:
        return EnterpriseRef(row[0], row[5], by_code[row[4]], row[6])

    world.enterprises = to_table(world, outputs, "enterprise", lambda rng, n: rows(world, rng, n), ref)
    to_supplement(world, outputs, "enterprise", lambda rng, n: rows(world, rng, n))


def rows(world: World, rng: random.Random, count: int) -> Iterator[list]:
    """武汉康瑞药业有限公司 and its kind: registered in Hubei, most still trading."""
    oldest = dt.date(1992, 1, 1)
    newest = world.as_of - dt.timedelta(days=60)
    for i in range(count):
        kind = rng.choices(_TYPES, _WEIGHTS)[0]
        place = divisions.pick(rng)
        prefix = "湖北" if rng.random() < 0.2 else place.city
        brand = rng.choice(BRAND_CHARS) + rng.choice(BRAND_CHARS)
        # Later years have more registrations: the later of two uniform days.
        established = max(between(rng, oldest, newest), between(rng, oldest, newest))
        yield [
            world.issue_uscc(rng, place.code),
            prefix + brand + rng.choice(ENTERPRISE_SUFFIXES[kind]),
            adult_name(rng),
            f"{place.place}{rng.choice(ROADS)}{rng.randint(1, 999)}号",
            place.code,
            kind,
            established,
            rng.choices([s for s, _ in _STATUSES], [w for _, w in _STATUSES])[0],
            updated_at(rng, world.as_of, i, established),
        ]
