"""药品品种: approved medicines of Hubei marketing-authorisation holders, as the bureau sends them."""

import datetime as dt
import random
from collections.abc import Iterator

from hubei_data.synth.dates import between, years_later
from hubei_data.synth.documents import approval_no
from hubei_data.synth.flows import to_files
from hubei_data.synth.parts import Outputs
from hubei_data.synth.vocabulary import BIOLOGICAL_DRUGS, CHEMICAL_DRUGS, TCM_DRUGS
from hubei_data.synth.world import ProductRef, World

_KINDS = (("chemical", CHEMICAL_DRUGS, 65), ("tcm", TCM_DRUGS, 28), ("biological", BIOLOGICAL_DRUGS, 7))
RENEWAL_YEARS = 5


def generate(world: World, outputs: Outputs) -> None:
    """Landing files of drug products; clean ones become what samplings refer to."""
    world.products = to_files(
        world, outputs, "drug_product", lambda rng, n: rows(world, rng, n), lambda row: ProductRef(row[0], row[5])
    )


def rows(world: World, rng: random.Random, count: int) -> Iterator[list]:
    holders = world.holders("药品生产")
    for _ in range(count):
        kind, names, _ = rng.choices(_KINDS, [w for *_, w in _KINDS])[0]
        name, form, specs = rng.choice(names)
        holder = rng.choice(holders)
        approved = between(rng, max(dt.date(1998, 1, 1), holder.established_on), world.last_day)
        # Renewed every five years; one in ten lapsed at its last renewal.
        terms = max(1, -(-(world.as_of - approved).days // (365 * RENEWAL_YEARS)))
        if rng.random() < 0.1 and terms > 1:
            terms -= 1
        yield [
            approval_no(world.serials, rng, kind, approved.year),
            name,
            form,
            rng.choice(specs),
            holder.uscc,
            approved,
            years_later(approved, RENEWAL_YEARS * terms) - dt.timedelta(days=1),
        ]
