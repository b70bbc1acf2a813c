"""医疗器械注册证: class II devices approved by the province, class III and imports by the nation."""

import datetime as dt
import random
from collections.abc import Iterator

from hubei_data.synth.dates import between, years_later
from hubei_data.synth.documents import reg_no
from hubei_data.synth.flows import to_files
from hubei_data.synth.parts import Outputs
from hubei_data.synth.vocabulary import DEVICES
from hubei_data.synth.world import World

_ISSUERS = {
    "2": (("鄂械注准", 80), ("国械注进", 20)),
    "3": (("国械注准", 80), ("国械注进", 15), ("国械注许", 5)),
}
TERM_YEARS = 5


def generate(world: World, outputs: Outputs) -> None:
    to_files(world, outputs, "device_registration", lambda rng, n: rows(world, rng, n))


def rows(world: World, rng: random.Random, count: int) -> Iterator[list]:
    registrants = world.holders("医疗器械生产")
    for _ in range(count):
        product, class_digit, category = rng.choice(DEVICES)
        issuers = _ISSUERS[class_digit]
        issuer = rng.choices([i for i, _ in issuers], [w for _, w in issuers])[0]
        registrant = rng.choice(registrants)
        approved = between(rng, max(dt.date(2014, 10, 1), registrant.established_on), world.last_day)
        yield [
            reg_no(world.serials, issuer, approved.year, class_digit, category),
            product,
            "III" if class_digit == "3" else "II",
            registrant.uscc,
            approved,
            years_later(approved, TERM_YEARS) - dt.timedelta(days=1),
        ]
