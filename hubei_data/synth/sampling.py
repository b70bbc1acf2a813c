"""药品抽检: samples of generated drug products taken at generated drug enterprises."""

import random
from collections.abc import Iterator

from hubei_data.synth.dates import between, years_later
from hubei_data.synth.flows import to_files
from hubei_data.synth.parts import Outputs
from hubei_data.synth.vocabulary import FAILED_ITEMS
from hubei_data.synth.world import World

FAIL_RATE = 0.06


def generate(world: World, outputs: Outputs) -> None:
    to_files(world, outputs, "sampling", lambda rng, n: rows(world, rng, n))


def rows(world: World, rng: random.Random, count: int) -> Iterator[list]:
    """Mostly 合格; a failed sample names the items it failed."""
    units = world.holders("药品生产", "药品批发", "药品零售")
    since = years_later(world.as_of, -2)
    for _ in range(count):
        product = rng.choice(world.products)
        unit = rng.choice(units)
        sampled = between(rng, max(since, product.approved_on, unit.established_on), world.last_day)
        failed = rng.random() < FAIL_RATE
        yield [
            f"YP{sampled:%y}42{world.serials.take(f'YP{sampled:%y}', 7)}",
            product.approval_no,
            unit.uscc,
            sampled,
            "不合格" if failed else "合格",
            "、".join(rng.sample(FAILED_ITEMS, rng.randint(1, 2))) if failed else None,
        ]
