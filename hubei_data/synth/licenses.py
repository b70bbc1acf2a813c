"""许可证: each enterprise's current licence, then the expired ones it replaced."""

import datetime as dt
import random
from collections.abc import Iterator

from hubei_data.synth.dates import between, updated_at, years_later
from hubei_data.synth.documents import license_no
from hubei_data.synth.flows import to_supplement, to_table
from hubei_data.synth.parts import Outputs
from hubei_data.synth.vocabulary import PROVINCIAL_AUTHORITY
from hubei_data.synth.world import EnterpriseRef, World

LICENCE_OF = {
    "药品生产": "药品生产许可证",
    "药品批发": "药品经营许可证",
    "药品零售": "药品经营许可证",
    "化妆品生产": "化妆品生产许可证",
    "医疗器械生产": "医疗器械生产许可证",
    "医疗器械经营": "医疗器械经营许可证",
}
# Pharmacies and wholesalers often hold a device-trading licence too.
SECOND_LICENCE = "医疗器械经营许可证"
PROVINCIAL = {"药品生产", "药品批发", "化妆品生产", "医疗器械生产"}
TERM_YEARS = 5


def generate(world: World, outputs: Outputs) -> None:
    to_table(world, outputs, "license", lambda rng, n: rows(world, rng, n))
    to_supplement(world, outputs, "license", lambda rng, n: rows(world, rng, n))


def rows(world: World, rng: random.Random, count: int) -> Iterator[list]:
    """Passes over the enterprises: their current licences first, then one term back each pass."""
    holders = list(world.enterprises)
    rng.shuffle(holders)
    current: dict[str, dt.date] = {}
    made, generation = 0, 0
    while holders and made < count:
        for enterprise in holders:
            if made >= count:
                return
            if generation == 0:
                current[enterprise.uscc] = _first_issue(rng, world, enterprise)
            yield _licence(world, rng, enterprise, current[enterprise.uscc], generation, made)
            made += 1
        generation += 1


def _first_issue(rng: random.Random, world: World, enterprise: EnterpriseRef) -> dt.date:
    earliest = max(enterprise.established_on + dt.timedelta(days=30), years_later(world.as_of, -TERM_YEARS))
    return between(rng, earliest, world.last_day)


def _licence(world: World, rng: random.Random, enterprise: EnterpriseRef, issued_now: dt.date,
             generation: int, index: int) -> list:
    kind = LICENCE_OF[enterprise.type]
    issued = years_later(issued_now, -TERM_YEARS * generation)
    if issued < enterprise.established_on:
        # Too young for an earlier term: a second licence of another kind instead.
        kind = SECOND_LICENCE
        issued = between(rng, enterprise.established_on + dt.timedelta(days=30), world.last_day)
    valid_until = years_later(issued, TERM_YEARS) - dt.timedelta(days=1)
    if valid_until < world.as_of:
        status = "过期"
    else:
        status = "注销" if rng.random() < 0.03 else "有效"
    provincial = enterprise.type in PROVINCIAL and kind != SECOND_LICENCE
    authority = PROVINCIAL_AUTHORITY if provincial else f"{enterprise.division.prefecture_name}市场监督管理局"
    return [
        license_no(world.serials, kind, issued.year, enterprise.division.city),
        kind,
        enterprise.uscc,
        issued,
        valid_until,
        authority,
        status,
        updated_at(rng, world.as_of, index, issued),
    ]
