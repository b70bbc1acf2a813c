"""出生医学证明 and 预防接种记录 together: only children with a certificate get vaccinated."""

import datetime as dt
import random

from hubei_data.synth import divisions, vaccinations
from hubei_data.synth.dates import between, updated_at, years_later
from hubei_data.synth.documents import birth_cert_no
from hubei_data.synth.flows import supplement_planter, table_planter
from hubei_data.synth.identifiers import resident_id
from hubei_data.synth.parts import Outputs, Part, chunks
from hubei_data.synth.people import child_name
from hubei_data.synth.vaccinations import Child
from hubei_data.synth.world import World

CHILD_CHUNK = 2000
BIRTH_YEARS = 3
# Certificates first: a child's records follow once its certificate proved clean.
FINISH = {"birth_certificate": None, "vaccination": vaccinations.finish}


def generate(world: World, outputs: Outputs) -> None:
    """The supplementary files first, so whether a database is given never changes them."""
    files = [outputs.landing_files(name, supplement_planter(world, name, FINISH[name]))[0][0] for name in FINISH]
    stream(world, world.rng("children", "file"), *files)
    if outputs.conn is not None:
        tables = [outputs.table(name, table_planter(world, name, FINISH[name])) for name in FINISH]
        stream(world, world.rng("children", "database"), *tables)


def stream(world: World, rng: random.Random, certificate_part: Part, record_part: Part) -> None:
    """Children chunk by chunk: certificates written, then the records of those left clean."""
    children, wanted = certificate_part.planter.total, record_part.planter.total
    carry = written = 0
    earliest = years_later(world.as_of, -BIRTH_YEARS)
    for start in range(0, children, CHILD_CHUNK):
        end = min(children, start + CHILD_CHUNK)
        kids = [_child(world, rng, earliest) for _ in range(end - start)]
        clean = certificate_part.emit([_certificate(world, rng, kid, start + j) for j, kid in enumerate(kids)])
        kept = [kids[i] for i in clean]
        target = wanted * end // children - wanted * start // children + carry
        counts = vaccinations.allocate(rng, [vaccinations.doses_due(kid, world.last_day) for kid in kept], target)
        carry = target - sum(counts)
        first_id = world.serials.reserve("JZ", sum(counts))
        rows: list[list] = []
        for kid, count in zip(kept, counts):
            rows += vaccinations.records(rng, kid, count, world.last_day, first_id + len(rows))
        vaccinations.stamp(rng, rows, written, world.last_day)
        written += len(rows)
        for chunk in chunks(rows):
            record_part.emit(chunk)


def _child(world: World, rng: random.Random, earliest: dt.date) -> Child:
    male = rng.random() < 0.51
    born = between(rng, earliest, world.last_day)
    place = divisions.pick(rng)
    return Child(
        cert_no=birth_cert_no(world.serials, born.year),
        name=child_name(rng, male),
        male=male,
        born=born,
        id_no=resident_id(rng, place.code, born, male),
        division=place,
        clinic=f"{place.code}{1 + int(rng.random() * 12):04d}",
    )


def _certificate(world: World, rng: random.Random, kid: Child, index: int) -> list:
    mother_born = kid.born - dt.timedelta(days=int(20 * 365 + rng.random() * 20 * 365))
    mother_place = kid.division if rng.random() < 0.8 else divisions.pick(rng)
    place = kid.division
    hospital = rng.choice((
        f"{place.prefecture_name}妇幼保健院",
        f"{place.name}人民医院",
        f"{place.prefecture_name}中心医院",
    ))
    issued = kid.born + dt.timedelta(days=1 + int(rng.random() * 3))
    return [
        kid.cert_no,
        kid.name if rng.random() > 0.02 else None,
        "男" if kid.male else "女",
        kid.born,
        resident_id(rng, mother_place.code, mother_born, male=False),
        hospital,
        place.code,
        updated_at(rng, world.as_of, index, issued),
    ]
