"""Document numbers in their official formats, unique by construction, and malformed variants."""

import random
import zlib

APPROVAL_LETTERS = {"chemical": "H", "tcm": "Z", "biological": "S"}


class Serials:
    """Per-prefix running serials, so every number a run issues is different.

    Each prefix starts somewhere below 1000 (fixed by the prefix), as real registers
    rarely start a year's numbers at one.
    """

    def __init__(self) -> None:
        self._next: dict[str, int] = {}

    def _peek(self, prefix: str) -> int:
        if prefix not in self._next:
            self._next[prefix] = 1 + zlib.crc32(prefix.encode("utf-8")) % 999
        return self._next[prefix]

    def take(self, prefix: str, width: int) -> str:
        serial = self._peek(prefix)
        if serial >= 10**width:
            raise OverflowError(f"more than {10**width - 1} numbers under {prefix!r}")
        self._next[prefix] = serial + 1
        return f"{serial:0{width}d}"

    def reserve(self, prefix: str, count: int) -> int:
        """The first of `count` consecutive serials, for callers that number rows in bulk."""
        first = self._peek(prefix)
        self._next[prefix] = first + count
        return first

    def has_room(self, prefix: str, width: int) -> bool:
        return self._peek(prefix) < 10**width


def approval_no(serials: Serials, rng: random.Random, kind: str, year: int) -> str:
    """国药准字H20043567: kind letter, sometimes C for a 2020s chemical class, year, serial.

    Numbers before 2002 kept the provincial form, 42 for Hubei and a six-digit serial.
    """
    letter = APPROVAL_LETTERS[kind]
    if year < 2002:
        return f"国药准字{letter}42{serials.take(letter + '42', 6)}"
    if kind == "chemical" and year >= 2020 and rng.random() < 0.3:
        letter += "C"
    year = _year_with_room(serials, letter, year, 4)
    return f"国药准字{letter}{year}{serials.take(f'{letter}{year}', 4)}"


def filing_no(serials: Serials, special: bool, imported: bool, year: int) -> str:
    """The four forms of docs/sources.md: special (国妆特字G / 国妆特进字J + year + 4-digit serial)
    or ordinary (鄂G妆网备字 / 国妆网备进字(鄂) + year + 6-digit serial)."""
    if special:
        prefix = "国妆特进字J" if imported else "国妆特字G"
        year = _year_with_room(serials, prefix, year, 4)
        return f"{prefix}{year}{serials.take(prefix + str(year), 4)}"
    prefix = "国妆网备进字(鄂)" if imported else "鄂G妆网备字"
    year = _year_with_room(serials, prefix, year, 6)
    return f"{prefix}{year}{serials.take(prefix + str(year), 6)}"


def reg_no(serials: Serials, prefix: str, year: int, class_digit: str, category: str) -> str:
    """国械注准20233140123: issuer, year, class digit, category, 4-digit serial."""
    head = f"{prefix}{_year_with_room(serials, prefix, year, 4, suffix=class_digit + category)}"
    return f"{head}{class_digit}{category}{serials.take(head + class_digit + category, 4)}"


def license_no(serials: Serials, license_type: str, year: int, city: str) -> str:
    """鄂20160012 and 鄂妆20170003 as docs/sources.md documents; the other licences in the
    forms the e-licence system prints (鄂AA0270001, 鄂药监械生产许20200012号)."""
    if license_type == "药品生产许可证":
        year = _year_with_room(serials, "鄂", year, 4)
        return f"鄂{year}{serials.take(f'鄂{year}', 4)}"
    if license_type == "化妆品生产许可证":
        year = _year_with_room(serials, "鄂妆", year, 4)
        return f"鄂妆{year}{serials.take(f'鄂妆{year}', 4)}"
    if license_type == "药品经营许可证":
        return f"鄂AA{serials.take('鄂AA', 7)}"
    if license_type == "医疗器械生产许可证":
        year = _year_with_room(serials, "械生产", year, 4)
        return f"鄂药监械生产许{year}{serials.take(f'械生产{year}', 4)}号"
    head = f"鄂{city[0]}市监械经营许"
    year = _year_with_room(serials, head, year, 5)
    return f"{head}{year}{serials.take(head + str(year), 5)}号"


def birth_cert_no(serials: Serials, born_year: int) -> str:
    """One letter (the print batch, a new one each year) and nine digits."""
    letter = chr(ord("A") + (born_year - 2000) % 26)
    return f"{letter}42{serials.take(letter, 7)}"


def malformed(label: str, value: str, rng: random.Random) -> str:
    """A slip that breaks the `<label>_format` rule and keeps distinct numbers distinct."""
    slips = {
        "approval_no": (lambda v: v + rng.choice("0123456789"), lambda v: v.replace("国药准字", "国药准字号", 1)),
        "filing_no": (lambda v: v + rng.choice("0123456789"), lambda v: v.replace("字", "字第", 1)),
        "reg_no": (lambda v: v + rng.choice("0123456789"), lambda v: v[:4] + "字" + v[4:]),
        "birth_cert_no": (lambda v: v + rng.choice("0123456789"), lambda v: "X" + v),
        "license_no": (lambda v: v + rng.choice("0123456789"), lambda v: v[:-8] + "字" + v[-8:]),
    }
    return rng.choice(slips[label])(value)


def _year_with_room(serials: Serials, prefix: str, year: int, width: int, suffix: str = "") -> int:
    # At large scales one year's serials can run out; the next year with room takes over.
    while not serials.has_room(f"{prefix}{year}{suffix}", width):
        year += 1
    return year
