"""Validators of the Chinese data standards that docs/sources.md names, in Python.

The warehouse applies the same standards in SQL (standards.sql, schema `std`); the
pandera checks use these to verify what dbt produced, and tests hold the two to agreement.
"""

import datetime as dt
import re
import unicodedata
from functools import cache
from pathlib import Path

from stdnum.cn import ric, uscc

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
DIVISIONS_CSV = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds" / "hubei_divisions.csv"

# Matched whole with fullmatch (`$` would let a final newline through) and with [0-9],
# never \d, which takes full-width and other digits: the SQL twins reject both.
_DATE_FORMATS = (
    re.compile(r"([0-9]{4})[-/]([0-9]{1,2})[-/]([0-9]{1,2})"),
    re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})"),
    re.compile(r"([0-9]{4})年([0-9]{1,2})月([0-9]{1,2})日"),
)
_TIMESTAMP = re.compile(r"([0-9]{4}[-/][0-9]{1,2}[-/][0-9]{1,2})(?:[T ]([0-9]{1,2}):([0-9]{2})(?::([0-9]{2})(?:\.[0-9]+)?)?)?")


def standardise(value: str | None, code: bool = False) -> str | None:
    """NFKC, trimmed, upper-cased when a code; blank becomes None, as docs/sources.md asks."""
    if value is None:
        return None
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not text:
        return None
    return text.upper() if code else text


def _calendar_date(year: str, month: str, day: str) -> dt.date | None:
    """The date of ASCII-digit parts, or None when the calendar has none (std.try_make_date)."""
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


def parse_date(text: str | None) -> dt.date | None:
    """A date in any of the four agreed formats, or None when it is not one."""
    if text is None:
        return None
    for pattern in _DATE_FORMATS:
        match = pattern.fullmatch(text)
        if match:
            return _calendar_date(*match.groups())
    return None


def parse_timestamp(text: str | None) -> dt.datetime | None:
    """A timestamp `YYYY-MM-DD[ HH:MM[:SS]]` (or any agreed date format alone), or None."""
    if text is None:
        return None
    match = _TIMESTAMP.fullmatch(text)
    if not match:
        day = parse_date(text)
        return dt.datetime.combine(day, dt.time()) if day else None
    day = parse_date(match.group(1))
    if day is None:
        return None
    hour, minute, second = (int(part or 0) for part in match.groups()[1:])
    try:
        return dt.datetime.combine(day, dt.time(hour, minute, second))
    except ValueError:
        return None


def uscc_valid(code: str) -> bool:
    """GB 32100-2015: 18 characters of the 31-character set with a valid check character.

    stdnum's `validate` also demands digits in the first eight places; the standard and
    docs/sources.md allow letters of the set there, so only its check character is reused.
    """
    return (
        len(code) == 18
        and all(c in USCC_ALPHABET for c in code)
        and uscc.calc_check_digit(code[:17]) == code[17]
    )


def resident_id_valid(number: str) -> bool:
    """GB 11643-1999: 17 digits, a valid MOD 11-2 check digit, and a real birth date.

    stdnum's `validate` also requires the region code in its own gazetteer, which lags
    new divisions; docs/sources.md asks only for the check digit, so that lookup is left out.
    """
    if not re.fullmatch(r"[0-9]{17}[0-9X]", number):
        return False
    return ric.calc_check_digit(number) == number[17] and resident_id_birth_date(number) is not None


def resident_id_birth_date(number: str) -> dt.date | None:
    """The birth date in characters 7-14 of an 18-character ID number, or None when it is not a date.

    stdnum's `get_birth_date` strips blanks first, reads any length and lets int() take
    full-width digits; std.resident_id_birth_date takes none of these, so neither does this.
    """
    born = number[6:14]
    if len(number) != 18 or not re.fullmatch(r"[0-9]{8}", born):
        return None
    return _calendar_date(born[:4], born[4:6], born[6:])


@cache
def hubei_divisions() -> frozenset[str]:
    """The GB/T 2260 Hubei codes the platform ships (prefecture and county level)."""
    lines = DIVISIONS_CSV.read_text(encoding="utf-8").splitlines()[1:]
    return frozenset(line.split(",")[0] for line in lines if line)


def hubei_division_valid(code: str) -> bool:
    return code.startswith("42") and code in hubei_divisions()
