"""Chinese personal names: adults (legal representatives, mothers) and newborns."""

import math
import random

from hubei_data.synth.vocabulary import (
    ADULT_FEMALE_CHARS,
    ADULT_MALE_CHARS,
    CHILD_FEMALE_CHARS,
    CHILD_MALE_CHARS,
    SURNAMES,
)


def adult_name(rng: random.Random, male: bool | None = None) -> str:
    """张伟, 李秀英: one or two given characters, as in the generation born 1960-1995."""
    if male is None:
        male = rng.random() < 0.6
    chars = ADULT_MALE_CHARS if male else ADULT_FEMALE_CHARS
    given = rng.choice(chars) if rng.random() < 0.4 else rng.choice(chars) + rng.choice(chars)
    return _surname(rng) + given


def child_name(rng: random.Random, male: bool) -> str:
    """王梓萱, 刘浩宇: two given characters, as most children born after 2015 have."""
    chars = CHILD_MALE_CHARS if male else CHILD_FEMALE_CHARS
    return _surname(rng) + rng.choice(chars) + rng.choice(chars)


def _surname(rng: random.Random) -> str:
    # Frequent surnames first in the list: a triangular pick (mode at 0) favours them.
    index = int(len(SURNAMES) * (1 - math.sqrt(1 - rng.random())))
    return SURNAMES[min(index, len(SURNAMES) - 1)]
