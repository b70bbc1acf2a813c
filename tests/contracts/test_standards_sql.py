"""The SQL standards (schema `std`) agree with their Python twins, on the real warehouse.

dbt validates with the SQL functions and pandera re-checks with the Python ones (those of
contracts/vectorised.py over whole columns), so any disagreement would flag rows twice or not
at all. Each property sends a batch of values through one query.
"""

import datetime as dt
import re
import threading
from decimal import Decimal

import pandas as pd
import psycopg
import pytest
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st
from psycopg import sql
from stdnum.cn import ric, uscc

from hubei_data.contracts import standards, vectorised
from hubei_data.contracts.sql import install_standards

PROPERTY = settings(
    max_examples=300,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

ALPHABET = standards.USCC_ALPHABET
WHITESPACE = " \t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u200a\u2028\u2029\u202f\u205f\u3000"
FULL_WIDTH = "".join(chr(c) for c in range(0xFF01, 0xFF5F))
# Unicode 16 (PostgreSQL 18) gave these an upper case that Python's Unicode 14 lacks.
NEWER_UPPER_CASE = "\u019b\u0264\U00010791"
DATE_SEPARATORS = "-/年月日"

date_text = st.text(st.sampled_from("0123456789" + DATE_SEPARATORS + " T:.+x\u3000０"), max_size=20)


def messy_text(exclude: str = "") -> st.SearchStrategy:
    """Text of characters Python knows (no unassigned or surrogate code points; no NUL, which
    PostgreSQL text cannot hold), rich in what real exports contain."""
    known = st.characters(exclude_categories=("Cs", "Cn"), exclude_characters="\x00" + exclude)
    typical = st.sampled_from(WHITESPACE + FULL_WIDTH + "abcxyzßﬁ①Ⅻ")
    return st.text(st.one_of(known, typical), max_size=12)


def batch(values: st.SearchStrategy) -> st.SearchStrategy:
    return st.lists(values, min_size=1, max_size=40)


@pytest.fixture(scope="module")
def conn(warehouse):
    """A connection with the standards installed, as dbt runs will have them."""
    with psycopg.connect(warehouse.url, autocommit=True) as connection:
        install_standards(connection)
        yield connection


def sql_map(conn: psycopg.Connection, function: str, values: list) -> list:
    """std.<function> of every value, in order, in one round trip."""
    query = sql.SQL("select std.{}(v) from unnest(%s::text[]) with ordinality as t(v, i) order by i")
    query = query.format(sql.Identifier(function))
    return [row[0] for row in conn.execute(query, (values,)).fetchall()]


VECTORISED = {
    "uscc_valid": vectorised.uscc_valid,
    "resident_id_valid": vectorised.resident_id_valid,
    "resident_id_birth_date": vectorised.resident_id_birth_date,
}


def vectorised_map(function: str, values: list) -> list:
    """The vectorised twin's answers over one Series of the values, as std.<function> gives them: null for null."""
    answers = VECTORISED[function](pd.Series(values, dtype=object))
    if function == "resident_id_birth_date":
        return [None if pd.isna(a) else a.date() for a in answers]
    return [None if v is None else bool(a) for v, a in zip(values, answers, strict=True)]


def agree(conn: psycopg.Connection, function: str, values: list, python) -> None:
    """std.<function> and its Python twin answer alike, and so does a vectorised twin where one exists."""
    got = sql_map(conn, function, values)
    expected = [python(v) for v in values]
    mismatches = [(v, g, e) for v, g, e in zip(values, got, expected) if g != e or type(g) is not type(e)]
    assert not mismatches, f"std.{function} disagrees with Python (value, sql, python): {mismatches}"
    if function in VECTORISED:
        whole = vectorised_map(function, values)
        mismatches = [(v, g, w) for v, g, w in zip(values, got, whole) if g != w or type(g) is not type(w)]
        assert not mismatches, f"std.{function} disagrees with its vectorised twin (value, sql, vectorised): {mismatches}"


_INTEGER = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)")


def expected_integer(text: str | None) -> int | None:
    """The proposed Python twin of std.parse_integer."""
    if text is None or not _INTEGER.fullmatch(text):
        return None
    digits = text.lstrip("+-").lstrip("0") or "0"
    if len(digits) > 19:
        return None
    value = -int(digits) if text.startswith("-") else int(digits)
    return value if -(2**63) <= value < 2**63 else None


def expected_decimal(text: str | None) -> Decimal | None:
    """The proposed Python twin of std.parse_decimal."""
    if text is None or len(text) > 1000 or not _DECIMAL.fullmatch(text):
        return None
    return Decimal(text)


def ending_in_newline(text: str) -> str:
    """A value as a line read with its end kept; a regex anchored by `$` would still match it."""
    return text + "\n"


@st.composite
def date_strings(draw) -> str:
    """A date in one of the four formats, or a near miss: a day or month that does not exist."""
    years = [0, 1, 1900, 2000, 2023, 2024, 2100, 9999]
    year = draw(st.one_of(st.integers(0, 9999), st.sampled_from(years)))
    edges = [(2, 28), (2, 29), (2, 30), (4, 30), (4, 31), (12, 31), (1, 0), (0, 1), (13, 1)]
    month, day = draw(st.one_of(st.tuples(st.integers(0, 13), st.integers(0, 32)), st.sampled_from(edges)))
    pad = draw(st.booleans())
    m, d = (f"{month:02}", f"{day:02}") if pad else (str(month), str(day))
    first, second = draw(st.sampled_from("-/")), draw(st.sampled_from("-/"))
    return draw(
        st.sampled_from(
            [
                f"{year:04}{first}{m}{second}{d}",
                f"{year:04}{month:02}{day:02}",
                f"{year:04}年{m}月{d}日",
                f"{year}-{m}-{d}",
                f"{year:04}{month:02}{day:03}",
            ]
        )
    )


@st.composite
def real_dates(draw) -> str:
    day = draw(st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)))
    return draw(
        st.sampled_from(
            [
                day.isoformat(),
                f"{day.year:04}/{day.month}/{day.day}",
                f"{day.year:04}{day.month:02}{day.day:02}",
                f"{day.year:04}年{day.month}月{day.day}日",
            ]
        )
    )


@st.composite
def timestamp_strings(draw) -> str:
    """A date, then perhaps a time, some of whose parts are out of range."""
    day = draw(st.one_of(real_dates(), date_strings()))
    if draw(st.booleans()):
        return day
    width = st.sampled_from(["", "02", "02", "03"])
    clock = f"{draw(st.integers(0, 25)):{draw(width)}}:{draw(st.integers(0, 61)):{draw(width)}}"
    if draw(st.booleans()):
        clock += f":{draw(st.integers(0, 61)):{draw(width)}}"
        if draw(st.booleans()):
            clock += "." + draw(st.text("0123456789", max_size=7))
    return day + draw(st.sampled_from(["T", " ", "  ", "t"])) + clock


@st.composite
def usccs(draw) -> str:
    """A code of the 31-character set with its right check character, a wrong one, or damage."""
    body = draw(st.text(st.sampled_from(ALPHABET), min_size=17, max_size=17))
    right = uscc.calc_check_digit(body)
    code = body + draw(st.sampled_from([right, right, ALPHABET[(ALPHABET.index(right) + 1) % 31]]))
    damage = draw(st.sampled_from(["none", "none", "letter", "check letter", "length", "lower", "wide"]))
    position = draw(st.integers(0, 16))
    letter = draw(st.sampled_from("IOSVZ"))
    if damage == "letter":
        # With any check character: one is "right" for whatever value SQL might give the letter.
        code = body[:position] + letter + body[position + 1 :] + draw(st.sampled_from(ALPHABET))
    elif damage == "check letter":
        code = body + letter
    elif damage == "length":
        code = draw(st.sampled_from([code[:-1], code + right, code[1:]]))
    elif damage == "lower":
        code = code.lower()
    elif damage == "wide":
        code = code[:position] + chr(ord(code[position]) + 0xFEE0) + code[position + 1 :]
    return code


@st.composite
def resident_ids(draw) -> str:
    """An ID number with a real birth date and its check digit, or one corrupted."""
    region = draw(st.text("0123456789", min_size=6, max_size=6))
    born = draw(st.dates(dt.date(1900, 1, 1), dt.date(2030, 12, 31))).strftime("%Y%m%d")
    not_dates = [born[:4] + "0230", born[:4] + "1301", born[:4] + "0229", "00000101"]
    born = draw(st.sampled_from([born, born, *not_dates]))
    body = region + born + draw(st.text("0123456789", min_size=3, max_size=3))
    number = body + ric.calc_check_digit(body + "0")
    damage = draw(st.sampled_from(["none", "none", "check", "digit", "lower", "length", "letter", "wide", "blank"]))
    position = draw(st.integers(0, 17))
    if damage == "check":
        number = body + draw(st.sampled_from("0123456789X".replace(number[-1], "")))
    elif damage == "digit":
        other = draw(st.sampled_from("0123456789".replace(number[position], "")))
        number = number[:position] + other + number[position + 1 :]
    elif damage == "lower":
        number = body + "x"
    elif damage == "length":
        number = draw(st.sampled_from([number[:-1], number + "1", number[1:]]))
    elif damage == "letter":
        number = number[:position] + draw(st.sampled_from("AX")) + number[position + 1 :]
    elif damage == "wide":
        number = number[:position] + chr(ord(number[position]) + 0xFEE0) + number[position + 1 :]
    elif damage == "blank":
        number = draw(st.sampled_from([" " + number[:-1], number[:position] + " " + number[position:], number + "\n"]))
    return number


@PROPERTY
@given(batch(messy_text()))
def test_clean_matches_python(conn, values):
    agree(conn, "clean", [*values, None], standards.standardise)


@PROPERTY
@given(batch(messy_text(exclude=NEWER_UPPER_CASE)))
def test_clean_code_matches_python(conn, values):
    agree(conn, "clean_code", [*values, None], lambda v: standards.standardise(v, code=True))


@PROPERTY
@given(batch(st.one_of(real_dates(), date_strings(), date_text, messy_text(), real_dates().map(ending_in_newline))))
def test_parse_date_matches_python(conn, values):
    agree(conn, "parse_date", [*values, None], standards.parse_date)


def test_parse_date_calendar_matches_python(conn):
    """Every month and day around the edges, in leap, century and ordinary years, in each format."""
    values = [
        text
        for year in (0, 1, 4, 100, 400, 1900, 2000, 2023, 2024, 2100, 9999)
        for month in range(14)
        for day in range(33)
        for text in (
            f"{year:04}-{month:02}-{day:02}",
            f"{year:04}/{month}/{day}",
            f"{year:04}{month:02}{day:02}",
            f"{year:04}年{month}月{day}日",
        )
    ]
    agree(conn, "parse_date", values, standards.parse_date)


@PROPERTY
@given(batch(st.one_of(timestamp_strings(), date_text, messy_text(), timestamp_strings().map(ending_in_newline))))
def test_parse_timestamp_matches_python(conn, values):
    agree(conn, "parse_timestamp", [*values, None], standards.parse_timestamp)


decimal_numbers = st.decimals(allow_nan=False, allow_infinity=False).map(str)
number_text = st.text(st.sampled_from("0123456789+-. e_,x\u3000٣"), max_size=24)
bigint_edges = [2**63 - 1, 2**63, -(2**63), -(2**63) - 1, 10**19, 0]
big_numbers = st.one_of(st.integers(-(2**64), 2**64), st.sampled_from(bigint_edges)).map(str)
padded_numbers = st.tuples(st.sampled_from(["", "+", "-"]), st.text("0", max_size=5), big_numbers).map(
    lambda parts: parts[0] + parts[1] + parts[2].lstrip("-")
)


@PROPERTY
@given(batch(st.one_of(number_text, big_numbers, padded_numbers, messy_text())))
def test_parse_integer_matches_expectation(conn, values):
    agree(conn, "parse_integer", [*values, None], expected_integer)


@PROPERTY
@given(batch(st.one_of(number_text, big_numbers, decimal_numbers)))
def test_parse_decimal_matches_expectation(conn, values):
    got = sql_map(conn, "parse_decimal", [*values, None])
    expected = [expected_decimal(v) for v in [*values, None]]
    # PostgreSQL has no negative zero: -0.0 arrives as 0.0, equal but not identical.
    assert got == expected
    assert [g.as_tuple().exponent for g in got if g is not None] == [
        e.as_tuple().exponent for e in expected if e is not None
    ]


@PROPERTY
@given(batch(st.one_of(usccs(), st.text(st.sampled_from(ALPHABET + "IOSVZ"), max_size=20))))
def test_uscc_valid_matches_python(conn, values):
    agree(conn, "uscc_valid", values, standards.uscc_valid)


def test_no_character_outside_the_sets_validates(conn):
    """Each foreign character, at each place, with every check character one of which could fit."""
    code = "91110000600037341"
    codes = [
        code[:i] + c + code[i + 1 :] + check
        for c in "IOSVZ/:@[io０"
        for i in range(17)
        for check in ALPHABET
    ]
    agree(conn, "uscc_valid", codes, standards.uscc_valid)
    number = "11010519491231002"
    numbers = [
        number[:i] + c + number[i + 1 :] + check
        for c in "/:AXx０ "
        for i in range(17)
        for check in "0123456789X"
    ]
    agree(conn, "resident_id_valid", numbers, standards.resident_id_valid)


@PROPERTY
@given(batch(resident_ids()))
def test_resident_id_valid_matches_python(conn, values):
    agree(conn, "resident_id_valid", values, standards.resident_id_valid)


@PROPERTY
@given(batch(resident_ids()))
def test_resident_id_birth_date_matches_python(conn, values):
    agree(conn, "resident_id_birth_date", values, standards.resident_id_birth_date)


EDGES = [
    None, "", "X", "11010519491231002", "11010519491231002X1", "11010519491231002x", "11010519491231002X",
    "1101051949123100２X", "11010519491231002Ｘ", "1101051949123100 X", "A10105194912310020", "11010519491231002é",
    "11010520000229002X", "11010519000229002X", "11010520230229002X", "11010519491300002X", "11010519490000002X",
    "11010519491232002X", "11010500000101002X", "11010599991231002X", "110105194912310021", "\n1010519491231002X",
    "91110000600037341L", "91110000600037341l", "9111000060003734IL", "91110000600037341", "91110000600037341LL",
    "９1110000600037341L", "91110000600037341Ｌ", "00000000000000000O", "YYYYYYYYYYYYYYYYYY", "000000000000000000",
]


@pytest.mark.parametrize("function", VECTORISED)
def test_vectorised_twins_agree_on_edges(conn, function):
    """Lower-case and full-width check characters, wrong lengths, non-digits, impossible dates, null."""
    python = getattr(standards, function)
    agree(conn, function, EDGES, lambda value: None if value is None else python(value))


@pytest.mark.parametrize("function", VECTORISED)
def test_vectorised_twins_answer_empty_and_null_columns(function):
    assert vectorised_map(function, []) == []
    assert vectorised_map(function, [None, None]) == [None, None]


@pytest.mark.parametrize(
    ("strategy", "valid"), [(usccs(), standards.uscc_valid), (resident_ids(), standards.resident_id_valid)]
)
def test_generators_make_valid_and_invalid_values(strategy, valid):
    """The properties above would pass vacuously if a generator made only one kind."""
    fixed = settings(derandomize=True, database=None)
    find(strategy, valid, settings=fixed)
    find(strategy, lambda value: not valid(value), settings=fixed)


KNOWN = [
    ("uscc_valid", "91110000600037341L", True),
    ("uscc_valid", "91110108551385082Q", True),
    ("uscc_valid", "91110000600037341M", False),
    ("uscc_valid", "91110000600037341l", False),
    ("uscc_valid", "9111000060003734IL", False),
    ("uscc_valid", None, None),
    ("resident_id_valid", "11010519491231002X", True),
    ("resident_id_valid", "360426199101010071", True),
    ("resident_id_valid", "11010519491231002x", False),
    ("resident_id_valid", "110105194912310021", False),
    ("resident_id_valid", None, None),
    ("resident_id_birth_date", "11010519491231002X", dt.date(1949, 12, 31)),
    ("resident_id_birth_date", "11010519490230002X", None),
    ("resident_id_birth_date", "11010519491231", None),
    ("clean", "\u3000 Ａ１ \t", "A1"),
    ("clean", " \u3000 ", None),
    ("clean_code", "９１ａｂ", "91AB"),
    ("parse_date", "2024-02-29", dt.date(2024, 2, 29)),
    ("parse_date", "2023-02-29", None),
    ("parse_date", "1900-02-29", None),
    ("parse_date", "2000/2/29", dt.date(2000, 2, 29)),
    ("parse_date", "2024-13-01", None),
    ("parse_date", "20240230", None),
    ("parse_date", "2024年2月30日", None),
    ("parse_date", "2024年2月3日", dt.date(2024, 2, 3)),
    ("parse_date", "2024年1月日5", None),
    ("parse_date", "0000-01-01", None),
    ("parse_date", "２０２４-01-01", None),
    ("parse_timestamp", "2024-01-05T10:07:08.999", dt.datetime(2024, 1, 5, 10, 7, 8)),
    ("parse_timestamp", "2024/1/5 9:07", dt.datetime(2024, 1, 5, 9, 7)),
    ("parse_timestamp", "20240105", dt.datetime(2024, 1, 5)),
    ("parse_timestamp", "20240105 10:00", None),
    ("parse_timestamp", "2024-01-05 24:00", None),
    ("parse_integer", "+007", 7),
    ("parse_integer", "-9223372036854775808", -(2**63)),
    ("parse_integer", "9223372036854775808", None),
    ("parse_integer", "1_000", None),
    ("parse_integer", "0x10", None),
    ("parse_integer", "3.0", None),
    ("parse_decimal", ".5", Decimal("0.5")),
    ("parse_decimal", "5.", Decimal("5")),
    ("parse_decimal", "-12.50", Decimal("-12.50")),
    ("parse_decimal", "1,200", None),
    ("parse_decimal", "1e3", None),
    ("parse_decimal", "NaN", None),
    ("parse_decimal", ".", None),
]


@pytest.mark.parametrize(("function", "value", "expected"), KNOWN)
def test_known_values(conn, function, value, expected):
    assert sql_map(conn, function, [value]) == [expected]


FUNCTIONS = [
    "clean",
    "clean_code",
    "parse_date",
    "parse_timestamp",
    "parse_integer",
    "parse_decimal",
    "uscc_valid",
    "resident_id_valid",
    "resident_id_birth_date",
]
HOSTILE = [
    "", " ", "\n", "NaN", "Infinity", "-", "+", ".", "٣", "1_000", "0x1F", "1e400",
    "9" * 200_000, "0" * 200_000 + "1", "." + "5" * 20_000,
    "9999-99-99", "0000-00-00 00:00", "2024-1-1 1:1", "99999999", "2024年", "年月日",
    "1" * 18, "X" * 18, "中" * 18, "'; drop table x; --",
]


@pytest.mark.parametrize("function", FUNCTIONS)
def test_never_raises(conn, function):
    """A bad value in one row must become null or false, not fail the whole dbt model."""
    assert len(sql_map(conn, function, HOSTILE)) == len(HOSTILE)


def test_functions_can_be_used_anywhere(conn):
    """Immutable and parallel safe: usable in indexes and in parallel plans over big tables."""
    rows = conn.execute(
        "select p.proname, p.provolatile, p.proparallel from pg_proc p"
        " join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'std'"
    ).fetchall()
    assert {name for name, _, _ in rows} >= set(FUNCTIONS)
    assert [(name, v, p) for name, v, p in rows if name in FUNCTIONS and (v, p) != ("i", "s")] == []


@pytest.fixture
def empty_database(fresh_database):
    """A database of its own, so that first installs can race without touching the others."""
    return fresh_database("hd_std")


def test_install_is_safe_concurrently_and_repeatedly(empty_database):
    """Every dbt run and test session installs the standards, often several at once."""
    errors = []
    start = threading.Barrier(6)

    def install():
        try:
            with psycopg.connect(empty_database.url) as connection:
                start.wait()
                install_standards(connection)
        except Exception as error:
            errors.append(error)

    threads = [threading.Thread(target=install) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with psycopg.connect(empty_database.url, autocommit=True) as connection:
        install_standards(connection)
        assert sql_map(connection, "uscc_valid", ["91110000600037341L"]) == [True]


@pytest.mark.parametrize(
    ("function", "value"),
    [
        ("parse_date", "2024-01-05\n"),
        ("parse_date", "20240105\n"),
        ("parse_date", "2024年1月5日\n"),
        ("parse_timestamp", "2024-01-05 10:00\n"),
        ("parse_timestamp", "2024-01-05T10:00:00.5\n"),
        ("parse_timestamp", "2024-01-05\n"),
        ("parse_timestamp", "20240105\n"),
        ("parse_timestamp", "2024-01-05 １０:00"),
        ("resident_id_birth_date", "11010519491231"),
        ("resident_id_birth_date", "11010519491231002X1"),
        ("resident_id_birth_date", " 11010519491231002"),
        ("resident_id_birth_date", "110105１９４９１２３１002X"),
    ],
    ids=[
        "date-newline",
        "date-compact-newline",
        "date-chinese-newline",
        "timestamp-newline",
        "timestamp-fraction-newline",
        "timestamp-date-newline",
        "timestamp-compact-newline",
        "timestamp-full-width-hour",
        "birth-date-short",
        "birth-date-long",
        "birth-date-leading-blank",
        "birth-date-full-width",
    ],
)
def test_python_twin_rejects_what_sql_rejects(conn, function, value):
    """Near misses that a lax regex or stdnum's leniency would let through on one side only."""
    assert sql_map(conn, function, [value]) == [None]
    assert getattr(standards, function)(value) is None
