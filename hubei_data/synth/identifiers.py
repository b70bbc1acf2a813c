"""Check-digit identifiers: unified social credit codes and resident ID numbers, valid or not."""

import datetime as dt
import random

from stdnum.cn import ric, uscc

from hubei_data.contracts.standards import USCC_ALPHABET

# Letters GB 32100-2015 leaves out because they read like digits, typed for those digits.
LOOKALIKES = {"0": "O", "1": "I", "5": "S", "2": "Z"}


def new_uscc(rng: random.Random, division_code: str) -> str:
    """A company's code (91), registered in `division_code`, with a valid check character.

    Codes issued since 2015 carry an organisation code starting MA; older ones keep
    their eight-digit organisation code and its check character.
    """
    if rng.random() < 0.6:
        organisation = "MA" + "".join(rng.choices(USCC_ALPHABET, k=7))
    else:
        organisation = "".join(rng.choices("0123456789", k=8)) + rng.choice(USCC_ALPHABET)
    body = f"91{division_code}{organisation}"
    return body + uscc.calc_check_digit(body)


def broken_uscc(rng: random.Random, code: str) -> str:
    """The same code with a wrong check character, or with a letter the standard forbids.

    Either change keeps distinct codes distinct, so a broken key stays unique.
    """
    digits = [d for d in LOOKALIKES if d in code[:17]]
    if rng.random() < 0.5 or not digits:
        wrong = [c for c in USCC_ALPHABET if c != code[17]]
        return code[:17] + rng.choice(wrong)
    digit = rng.choice(digits)
    return code.replace(digit, LOOKALIKES[digit], 1)


def resident_id(rng: random.Random, division_code: str, born: dt.date, male: bool) -> str:
    """A GB 11643-1999 number: region, birth date, sequence (odd for men), check digit."""
    sequence = int(rng.random() * 500) * 2 + (1 if male else 0)
    body = f"{division_code}{born.year:04d}{born.month:02d}{born.day:02d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "?")  # stdnum drops the last character


def broken_resident_id(rng: random.Random, number: str) -> str:
    """The same number with a wrong check digit; region and birth date untouched."""
    wrong = [c for c in "0123456789X" if c != number[17]]
    return number[:17] + rng.choice(wrong)
