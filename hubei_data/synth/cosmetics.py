"""化妆品注册备案: special cosmetics registered and ordinary ones filed, with Hubei registrants."""

import datetime as dt
import random
from collections.abc import Iterator

from hubei_data.synth.dates import between
from hubei_data.synth.documents import filing_no
from hubei_data.synth.flows import to_files
from hubei_data.synth.parts import Outputs
from hubei_data.synth.vocabulary import BRAND_CHARS, COSMETIC_KINDS
from hubei_data.synth.world import World


def generate(world: World, outputs: Outputs) -> None:
    to_files(world, outputs, "cosmetic_filing", lambda rng, n: rows(world, rng, n))


def rows(world: World, rng: random.Random, count: int) -> Iterator[list]:
    """Dyes, sunscreens and whitening are special (国妆特字); creams and shampoos are filed (妆网备字)."""
    registrants = world.holders("化妆品生产")
    for _ in range(count):
        product, special = rng.choice(COSMETIC_KINDS)
        imported = rng.random() < 0.1
        registrant = rng.choice(registrants)
        filed = between(rng, max(dt.date(2016, 1, 1), registrant.established_on), world.last_day)
        yield [
            filing_no(world.serials, special, imported, filed.year),
            rng.choice(BRAND_CHARS) + rng.choice(BRAND_CHARS) + product,
            "特殊化妆品" if special else "普通化妆品",
            registrant.uscc,
            filed,
            "注销" if rng.random() < 0.08 else "有效",
        ]
