"""The masking rules (std.mask_*) on the real warehouse, and pandera's checks of masked values."""

import pandas as pd
import psycopg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hubei_data.contracts.sql import install_standards
from hubei_data.quality.catalog_schemas import masking_check

PROPERTY = settings(max_examples=200, derandomize=True, deadline=None)
HANZI = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)


@pytest.fixture(scope="module")
def conn(warehouse):
    with psycopg.connect(warehouse.url, autocommit=True) as connection:
        install_standards(connection)
        yield connection


def mask(conn, rule: str, value: str | None) -> str | None:
    return conn.execute(f"select std.mask_{rule}(%s::text)", (value,)).fetchone()[0]


@pytest.mark.parametrize(
    ("rule", "value", "masked"),
    [
        ("id_number", "420102199001011234", "420102********1234"),
        ("id_number", "42010219900101123X", "420102********123X"),
        ("id_number", "123456789", "*********"),
        ("id_number", None, None),
        ("name", "张三", "张*"),
        ("name", "王小明", "王**"),
        ("name", "欧阳娜娜", "欧阳**"),
        ("name", "司马光", "司马*"),
        ("name", "欧阳", "欧*"),
        ("name", "李", "李"),
        ("phone", "13812345678", "138****5678"),
        ("phone", "027-87654321", "027*****4321"),
        ("phone", "1234567", "*******"),
    ],
)
def test_rules_keep_only_what_they_allow(conn, rule, value, masked):
    assert mask(conn, rule, value) == masked


def passes(rule: str, value: str) -> bool:
    """The pandera masking check's verdict on one value, in a column of its own."""
    return bool(masking_check(rule)._check_fn(pd.Series([value], dtype=object)).item())


@PROPERTY
@given(st.text(HANZI, min_size=1, max_size=6))
def test_a_masked_name_passes_the_check_and_a_clear_one_does_not(conn, name):
    masked = mask(conn, "name", name)
    assert len(masked) == len(name)
    assert passes("name", masked)
    if len(name) >= 2:
        assert not passes("name", name)


@PROPERTY
@given(st.text("0123456789X", min_size=11, max_size=18))
def test_masked_numbers_pass_the_checks_and_clear_ones_do_not(conn, number):
    for rule in ("id_number", "phone"):
        masked = mask(conn, rule, number)
        assert len(masked) == len(number)
        assert passes(rule, masked)
        assert not passes(rule, number)
