"""The pandera schema of each layer: received layers hold text with lineage, quarantine names a broken rule."""

import pandas as pd
import pandera.errors
import pytest

from hubei_data.contracts import source
from hubei_data.quality.schemas import schema

PENALTY = source("penalty")


def _received(**changes) -> pd.DataFrame:
    row = {name: "x" for name in PENALTY.column_names} | {"_extra": None, "_defect": None, "_batch_id": 1,
                                                          "_row_number": 2}
    frame = pd.DataFrame([row, row | {"_row_number": 3, "case_no": None}], dtype=object)
    for column, value in changes.items():
        frame.at[1, column] = value
    return frame[[*schema(PENALTY, "raw").columns]]


def _failed_checks(layer: str, frame: pd.DataFrame) -> set[str]:
    try:
        schema(PENALTY, layer).validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as errors:
        return set(errors.failure_cases["check"].astype(str))
    return set()


def test_text_with_gaps_and_lineage_passes_the_raw_schema():
    assert _failed_checks("raw", _received()) == set()


@pytest.mark.parametrize("value", [12, 3.5, b"bytes"], ids=["integer", "float", "bytes"])
def test_a_value_that_is_not_text_fails_the_text_check(value):
    assert _failed_checks("raw", _received(fine_yuan=value)) == {"text"}


def test_a_row_without_its_batch_fails_the_lineage_check():
    assert _failed_checks("landing", _received(_batch_id=0)) == {"greater_than(0)"}


def test_a_quarantined_row_must_name_a_broken_rule():
    frame = _received().assign(_issues=[[{"rule": "required", "detail": "case_no is required"}], []])
    assert _failed_checks("quarantine", frame) == {"issues_listed"}
    assert _failed_checks("staging", frame) == set()


@pytest.mark.parametrize(
    "issues",
    [[{"rule": "required"}], [{"rule": "", "detail": "d"}], [None], [{"rule": "r", "detail": "d"}, "x"],
     {"rule": "required", "detail": "d"}, "required"],
    ids=["no-detail", "blank-rule", "none", "one-not-an-issue", "not-a-list", "text"],
)
def test_issues_that_do_not_each_name_a_rule_and_detail_fail(issues):
    listed = [{"rule": "required", "detail": "case_no is required"}]
    frame = _received().assign(_issues=[listed, issues])
    assert _failed_checks("quarantine", frame) == {"issues_listed"}
    assert _failed_checks("staging", frame) == {"issues_listed"}


def test_issues_read_from_the_warehouse_are_checked_as_lists(warehouse):
    """validate_table reads jsonb as text and decodes it itself: what it decodes is what the check sees."""
    import psycopg
    from psycopg import sql

    from hubei_data.quality.checks import validate_table

    frame_schema = schema(PENALTY, "quarantine")
    texts = [sql.SQL("{} text").format(sql.Identifier(c)) for c in PENALTY.column_names]
    issues = ['[{"rule": "required", "detail": "case_no is required"}]', "[]", '[{"rule": "range"}]', None]
    with psycopg.connect(warehouse.url) as conn:
        conn.execute("drop schema if exists layer_probe cascade")
        conn.execute("create schema layer_probe")
        conn.execute(sql.SQL("create table layer_probe.penalty ({}, _issues jsonb, _batch_id bigint,"
                             " _row_number integer)").format(sql.SQL(", ").join(texts)))
        for row_number, listed in enumerate(issues, start=1):
            conn.execute("insert into layer_probe.penalty (case_no, _issues, _batch_id, _row_number)"
                         " values ('x', %s, 7, %s)", (listed, row_number))
        rows, failures, newest = validate_table(conn, frame_schema, "layer_probe", "penalty",
                                                ("_batch_id", "_row_number"))
        conn.rollback()
    assert (rows, newest) == (4, 7)
    failed = failures.groupby(failures["check"].astype(str))["index"].agg(lambda rows: sorted(set(rows))).to_dict()
    assert failed == {"issues_listed": [1, 2], "not_nullable": [3]}
