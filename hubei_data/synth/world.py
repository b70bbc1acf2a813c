"""The state one run shares across sources: seeds, counts, issued codes and what rows may reference."""

import datetime as dt
import random
from dataclasses import dataclass, field
from functools import cached_property

from hubei_data.synth.divisions import Division, pick
from hubei_data.synth.documents import Serials
from hubei_data.synth.identifiers import new_uscc
from hubei_data.synth.report import Defect

# Rows per source at scale 1, and how many more arrive by the other channel.
BASE_COUNTS = {
    "enterprise": 200,
    "license": 300,
    "drug_product": 400,
    "cosmetic_filing": 300,
    "device_registration": 300,
    "inspection": 500,
    "sampling": 600,
    "penalty": 100,
    "birth_certificate": 2000,
    "vaccination": 10000,
}
SUPPLEMENT_COUNTS = {
    "enterprise": 40,
    "license": 60,
    "inspection": 100,
    "penalty": 20,
    "birth_certificate": 100,
    "vaccination": 500,
}
SUPPLEMENT_CAP = 5000


@dataclass(frozen=True, slots=True)
class EnterpriseRef:
    """What other sources need of an enterprise to reference it credibly."""

    uscc: str
    type: str
    division: Division
    established_on: dt.date


@dataclass(frozen=True, slots=True)
class ProductRef:
    approval_no: str
    approved_on: dt.date


@dataclass
class World:
    """Everything one (seed, scale, as_of) run decides once and reads many times."""

    seed: int
    scale: float
    as_of: dt.date
    defect_rate: float
    serials: Serials = field(default_factory=Serials)
    usccs: set[str] = field(default_factory=set)
    enterprises: list[EnterpriseRef] = field(default_factory=list)
    products: list[ProductRef] = field(default_factory=list)
    defects: list[Defect] = field(default_factory=list)

    def rng(self, *names: str) -> random.Random:
        """An independent stream per name, so skipping one part never shifts another."""
        return random.Random("/".join((str(self.seed), *names)))

    def count(self, source: str) -> int:
        return max(1, round(BASE_COUNTS[source] * self.scale))

    def supplement_count(self, source: str) -> int:
        return max(1, min(SUPPLEMENT_CAP, round(SUPPLEMENT_COUNTS[source] * self.scale)))

    def issue_uscc(self, rng: random.Random, division_code: str) -> str:
        """A code no other enterprise of this run holds."""
        while True:
            code = new_uscc(rng, division_code)
            if code not in self.usccs:
                self.usccs.add(code)
                return code

    def foreign_uscc(self, rng: random.Random) -> str:
        """A valid code of an enterprise this run never generated (for enterprise_exists)."""
        return self.issue_uscc(rng, pick(rng).code)

    def holders(self, *types: str) -> list[EnterpriseRef]:
        """Referenceable enterprises of some types; any enterprise when a tiny run has none."""
        chosen = [e for e in self.enterprises if e.type in types]
        return chosen or self.enterprises

    @cached_property
    def last_day(self) -> dt.date:
        return self.as_of - dt.timedelta(days=1)
