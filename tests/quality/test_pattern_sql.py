"""The pandera test of each declared code format agrees with the staging models' SQL (`~`) on the real warehouse."""

import dataclasses

import pandas as pd
import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hubei_data.contracts import SOURCES
from hubei_data.contracts.model import Pattern
from hubei_data.contracts.standards import standardise

PATTERNS = sorted({rule for s in SOURCES.values() for c in s.columns for rule in c.rules if isinstance(rule, Pattern)},
                  key=lambda rule: (rule.label, rule.regex))
PROPERTY = settings(max_examples=25, derandomize=True, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def conn(warehouse):
    with psycopg.connect(warehouse.url, autocommit=True) as connection:
        yield connection


def codes(regex: str) -> st.SearchStrategy:
    """Codes of the format, the same cut, lengthened or surrounded, and text: standardised, as staging holds them."""
    matching = st.from_regex(regex, fullmatch=True)
    text = st.text(st.characters(exclude_characters="\x00", exclude_categories=("Cs",)), max_size=14)
    near = st.one_of(matching, matching.map(lambda v: v[:-1]), matching.map(lambda v: v + "0"),
                     st.tuples(text, matching, text).map("".join), text)
    return st.lists(near, min_size=1, max_size=20).map(lambda values: [v for v in map(standardise, values) if v])


@pytest.mark.parametrize("pattern", PATTERNS, ids=lambda rule: f"{rule.label}-{rule.regex}")
@PROPERTY
@given(data=st.data())
def test_a_declared_format_agrees_with_sql(conn, pattern, data):
    values = data.draw(codes(pattern.regex))
    query = "select v ~ %s from unnest(%s::text[]) with ordinality as t(v, i) order by i"
    in_sql = [row[0] for row in conn.execute(query, (pattern.regex, values))]
    # a format bound to one licence type is tested on its values alike; the binding is tested with the schemas
    test = dataclasses.replace(pattern, when=None).value_test()
    assert test(pd.Series(values, dtype=object)).tolist() == in_sql
