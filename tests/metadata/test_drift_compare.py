"""The drift comparison between a source's contract and observed columns, case by case."""

from hubei_data.contracts import source
from hubei_data.metadata.drift import Drift, Seen, compare

INSPECTION = source("inspection")
# inspection as its contract declares it, column by column, as a PostgreSQL table would hold it.
TABLE = [
    Seen("inspection_id", 1, "text", "VARCHAR(40)"), Seen("uscc", 2, "text", "VARCHAR(18)", 18),
    Seen("inspected_on", 3, "date", "DATE"), Seen("division_code", 4, "text", "VARCHAR(6)", 6),
    Seen("result", 5, "text", "TEXT"), Seen("findings", 6, "integer", "INTEGER"),
    Seen("updated_at", 7, "timestamp", "TIMESTAMP WITHOUT TIME ZONE"),
]


def _with(*changes: tuple[int, Seen | None]) -> list[Seen]:
    table = dict(enumerate(TABLE))
    for index, seen in changes:
        table[index] = seen
    return [seen for seen in table.values() if seen is not None]


def test_a_table_like_the_contract_has_no_drift_whatever_the_case_of_its_names():
    assert compare(INSPECTION, TABLE) == []
    assert compare(INSPECTION, [Seen(s.name.upper(), s.position, s.type, s.said, s.length) for s in TABLE]) == []


def test_an_added_column_is_informational():
    assert compare(INSPECTION, [*TABLE, Seen("inspector", 8, "text", "VARCHAR(20)")]) == [
        Drift("added", "inspector", None, "VARCHAR(20)", False)]


def test_a_removed_required_column_breaks_and_an_optional_one_does_not():
    assert compare(INSPECTION, _with((1, None), (4, None))) == [
        Drift("removed", "uscc", "text(18)", None, True), Drift("removed", "result", "text", None, False)]


def test_a_column_gone_where_one_of_its_type_appeared_is_a_likely_rename():
    renamed = compare(INSPECTION, _with((2, Seen("check_date", 3, "date", "DATE"))))
    assert renamed == [Drift("renamed", "inspected_on", "date", "check_date", False)]
    assert renamed[0].describe() == "inspected_on likely renamed to check_date"
    of_another_type = compare(INSPECTION, _with((2, Seen("check_date", 3, "text", "TEXT"))))
    assert [d.kind for d in of_another_type] == ["removed", "added"]


def test_a_retyped_column_is_told_in_the_systems_words():
    assert compare(INSPECTION, _with((5, Seen("findings", 6, "text", "VARCHAR(10)")))) == [
        Drift("retyped", "findings", "integer", "VARCHAR(10)", False)]
    assert compare(INSPECTION, _with((5, Seen("findings", 6, "integer", "BIGINT")))) == [], "integer stays integer"


def test_a_length_other_than_the_contracts_is_lengthened_or_shortened():
    assert compare(INSPECTION, _with((1, Seen("uscc", 2, "text", "VARCHAR(20)", 20)))) == [
        Drift("lengthened", "uscc", "text(18)", "VARCHAR(20)", False)]
    assert compare(INSPECTION, _with((3, Seen("division_code", 4, "text", "VARCHAR(4)", 4)))) == [
        Drift("shortened", "division_code", "text(6)", "VARCHAR(4)", False)]


def test_a_file_may_leave_out_optional_columns_but_not_required_ones():
    header = [Seen(name) for name in ("inspection_id", "uscc", "updated_at")]
    assert compare(INSPECTION, header, complete=False) == []
    assert compare(INSPECTION, [*header[1:], Seen("备注")], complete=False) == [
        Drift("renamed", "inspection_id", "text", "备注", True)]
    assert compare(INSPECTION, [*header[1:], Seen("备注"), Seen("x")], complete=False) == [
        Drift("removed", "inspection_id", "text", None, True), Drift("added", "备注", None, None, False),
        Drift("added", "x", None, None, False)]
