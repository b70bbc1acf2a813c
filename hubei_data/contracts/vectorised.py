"""The standards of standards.py over a whole pandas Series at once, for re-checking millions of rows.

Each answers what its one-value twin (and so std.* in SQL) answers for every value, through numpy arrays of
code points instead of a Python call per value; a missing value is not valid.
Tests hold the three to agreement.
"""

import datetime as dt

import numpy as np
import pandas as pd

from hubei_data.contracts.standards import USCC_ALPHABET

_DIGIT_PLACES = np.array([1000, 100, 10, 1])
# GB 11643-1999: weights 2^(17-i) mod 11, and the check character of each remainder of the weighted sum.
_ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
_ID_CHECKS = np.array([ord(c) for c in "10X98765432"])
# GB 32100-2015: weights 3^i mod 31, and each code point's value in the 31-character set (-1 outside it).
_USCC_WEIGHTS = np.array([3**i % 31 for i in range(17)])
_USCC_VALUES = np.full(128, -1)
_USCC_VALUES[[ord(c) for c in USCC_ALPHABET]] = range(len(USCC_ALPHABET))
_DAYS_IN_MONTH = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


def _code_points(values: pd.Series, length: int) -> tuple[np.ndarray, np.ndarray]:
    """Which values are text of exactly `length` characters, and those values' code points, one row each."""
    fits = (values.str.len() == length).to_numpy(dtype=bool, na_value=False)
    texts = np.array(values[fits].tolist(), dtype=f"<U{length}")
    return fits, texts.view(np.uint32).reshape(-1, length).astype(np.int64)


def _answer(values: pd.Series, fits: np.ndarray, answers: np.ndarray, otherwise) -> pd.Series:
    result = np.full(len(values), otherwise, dtype=answers.dtype)
    result[fits] = answers
    return pd.Series(result, index=values.index)


def _number(digits: np.ndarray) -> np.ndarray:
    """The numbers that rows of 4, 2 or 2 digit values spell."""
    return digits @ _DIGIT_PLACES[-digits.shape[1]:]


def _calendar_days(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """The dates of year, month and day arrays, NaT where the calendar has none (std.try_make_date)."""
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    months = np.clip(month, 0, 12)
    last = _DAYS_IN_MONTH[months] + ((months == 2) & leap)
    real = (year >= 1) & (month >= 1) & (month <= 12) & (day >= 1) & (day <= last)
    dates = ((year - 1970).astype("datetime64[Y]").astype("datetime64[M]") + (months - 1).astype("timedelta64[M]"))
    dates = dates.astype("datetime64[D]") + (day - 1).astype("timedelta64[D]")
    return np.where(real, dates, np.datetime64("NaT", "D"))


def _birth_days(points: np.ndarray) -> np.ndarray:
    """The birth dates in characters 7-14 of ID numbers' code points, NaT where they are not a date."""
    digits = points[:, 6:14] - ord("0")
    all_digits = ((digits >= 0) & (digits <= 9)).all(axis=1)
    days = _calendar_days(_number(digits[:, :4]), _number(digits[:, 4:6]), _number(digits[:, 6:]))
    return np.where(all_digits, days, np.datetime64("NaT", "D"))


def resident_id_birth_date(numbers: pd.Series) -> pd.Series:
    """resident_id_birth_date of every value, as datetime64 (NaT where it is None)."""
    fits, points = _code_points(numbers, 18)
    return _answer(numbers, fits, _birth_days(points), np.datetime64("NaT", "D"))


def resident_id_valid(numbers: pd.Series) -> pd.Series:
    """resident_id_valid of every value: 17 digits, the MOD 11-2 check character, a real birth date."""
    fits, points = _code_points(numbers, 18)
    digits = points[:, :17] - ord("0")
    valid = ((digits >= 0) & (digits <= 9)).all(axis=1)
    valid &= points[:, 17] == _ID_CHECKS[(digits @ _ID_WEIGHTS) % 11]
    valid &= ~np.isnat(_birth_days(points))
    return _answer(numbers, fits, valid, False)


def uscc_valid(codes: pd.Series) -> pd.Series:
    """uscc_valid of every value: 18 characters of the 31-character set with the right check character."""
    fits, points = _code_points(codes, 18)
    # every code point past ASCII maps to DEL, which is outside the set too
    values = _USCC_VALUES[np.minimum(points, 127)]
    valid = (values >= 0).all(axis=1)
    valid &= values[:, 17] == (31 - (values[:, :17] @ _USCC_WEIGHTS) % 31) % 31
    return _answer(codes, fits, valid, False)


def instants(values: pd.Series) -> pd.Series:
    """Dates and timestamps as datetime64 (a date at its midnight), NaT for a missing value; years 1-9999 all fit."""
    return values.astype("datetime64[us]")


def today() -> np.datetime64:
    """Today's midnight, to compare with `instants`."""
    return np.datetime64(dt.date.today(), "us")
