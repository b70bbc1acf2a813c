"""The pandera schema of a resource table holds every rule of its contract, judged column by column at once."""

import datetime as dt
import warnings
from decimal import Decimal

import pandas as pd
import pandera.errors
import pytest

from hubei_data.contracts import source
from hubei_data.contracts.model import Pattern
from hubei_data.quality.schemas import schema

TODAY = dt.date.today()
VACCINATION = {
    "record_id": "JZ1", "child_id_no": "11010519491231002X", "birth_cert_no": "A420012345", "child_name": "王小明",
    "birth_date": dt.date(1949, 12, 31), "vaccine_code": "0201", "vaccine_name": "乙肝疫苗", "dose_no": 1,
    "vaccinated_on": dt.date(1950, 1, 5), "unit_code": None, "division_code": "420102",
    "updated_at": dt.datetime(2026, 1, 5, 10), "_batch_id": 1, "_row_number": 2,
}
LICENSE = {
    "license_no": "鄂20160012", "license_type": "药品生产许可证", "uscc": "91110000600037341L",
    "issued_on": dt.date(2016, 3, 1), "valid_until": dt.date(2021, 2, 28), "authority": "湖北省药品监督管理局",
    "status": "有效", "updated_at": dt.datetime(2026, 1, 5), "_batch_id": 1, "_row_number": 2,
}
SAMPLING = {
    "sample_no": "CJ1", "approval_no": "国药准字H20003263", "uscc": "91110000600037341L",
    "sampled_on": dt.date(2025, 6, 1), "result": "不合格", "failed_items": "含量测定", "_batch_id": 1,
    "_row_number": 2,
}


def _failed_checks(name: str, *rows: dict) -> set[str]:
    """The checks the rows fail; a table keyed on one column gets a distinct key in each row."""
    contract = source(name)
    frame = pd.DataFrame(rows, dtype=object)
    frame["_row_number"] = range(2, 2 + len(frame))
    if len(contract.key) == 1:
        frame[contract.key[0]] = [f"K{number}" for number in frame["_row_number"]]
    try:
        schema(contract, "resource").validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as errors:
        return set(errors.failure_cases["check"].astype(str))
    return set()


@pytest.mark.parametrize(("name", "row"), [("vaccination", VACCINATION), ("license", LICENSE), ("sampling", SAMPLING)])
def test_a_clean_row_passes(name, row):
    assert _failed_checks(name, row, row | {"license_no": "鄂20160013"}) == set()


@pytest.mark.parametrize(
    ("changes", "check"),
    [
        ({"child_id_no": "11010519491231002x"}, "id_check"),
        ({"child_id_no": "110105194912310021"}, "id_check"),
        ({"child_id_no": "1101051949123100２X"}, "id_check"),
        ({"birth_cert_no": "a420012345"}, "birth_cert_no_format"),
        ({"birth_cert_no": "A4200123456"}, "birth_cert_no_format"),
        ({"birth_date": dt.date(1949, 12, 30)}, "id_birth_date"),
        ({"dose_no": 0}, "range"),
        ({"dose_no": Decimal("5.000001")}, "range"),
        ({"vaccinated_on": dt.date(1949, 12, 30)}, "date_order"),
        ({"vaccinated_on": TODAY + dt.timedelta(days=1)}, "not_future"),
        ({"division_code": "110101"}, "hubei_division"),
        ({"child_id_no": None, "birth_cert_no": None}, "one_of_required"),
    ],
)
def test_a_vaccination_row_breaking_a_rule_fails_that_rule(changes, check):
    assert _failed_checks("vaccination", VACCINATION, VACCINATION | changes) == {check}


@pytest.mark.parametrize(
    "changes",
    [
        {"dose_no": 5, "vaccinated_on": TODAY},
        {"vaccinated_on": dt.date(1949, 12, 31)},
        {"birth_date": None, "vaccinated_on": None},
        {"child_id_no": None},
        {"child_id_no": "11010519491231002x", "birth_date": dt.date(1950, 1, 1)},
    ],
    ids=["bounds-and-today", "on-the-birth-date", "dates-missing", "no-id", "birth-date-beside-a-bad-id"],
)
def test_a_vaccination_row_at_the_edges_keeps_its_other_rules(changes):
    """Bounds are inclusive, on_or_after takes the same day, and a missing or invalid ID number leaves the birth
    date unjudged (the ID's own rule reports a bad one)."""
    expected = {"id_check"} if changes.get("child_id_no") == "11010519491231002x" else set()
    assert _failed_checks("vaccination", VACCINATION, VACCINATION | changes) == expected


@pytest.mark.parametrize(
    ("changes", "check"),
    [
        ({"license_no": "鄂2016001"}, "license_no_format"),
        ({"license_no": "X鄂20160012"}, "license_no_format"),
        ({"uscc": "91110000600037341M"}, "uscc_check"),
        ({"uscc": "91110000600037341l"}, "uscc_check"),
        ({"valid_until": dt.date(2016, 3, 1)}, "date_order"),
        ({"status": "吊销"}, "accepted_values"),
    ],
)
def test_a_license_row_breaking_a_rule_fails_that_rule(changes, check):
    assert _failed_checks("license", LICENSE, LICENSE | {"license_no": "鄂20160013"} | changes) == {check}


def test_a_licence_format_binds_only_its_own_licence_type():
    other_type = LICENSE | {"license_no": "鄂妆20170003", "license_type": "药品经营许可证"}
    assert _failed_checks("license", LICENSE, other_type) == set()
    assert _failed_checks("license", LICENSE, other_type | {"license_type": "药品生产许可证"}) == {"license_no_format"}


def test_failed_items_are_required_only_when_the_sample_failed():
    assert _failed_checks("sampling", SAMPLING | {"failed_items": None}) == {"required_when"}
    assert _failed_checks("sampling", SAMPLING | {"result": "合格", "failed_items": None}) == set()


@pytest.mark.parametrize(
    ("regex", "value", "matches"),
    [("^A[0-9]$", "A1", True), ("^A[0-9]$", "xA1", False), ("^A[0-9]$", "A12", False), ("A[0-9]", "xA1y", True),
     ("^(G|J)[0-9]$", "J1", True), ("[0-9]$", "A\n1", True)],
)
def test_a_pattern_searches_the_value_as_sql_does(regex, value, matches):
    """SQL `~` searches the value; only the expression's own anchors pin it to the whole."""
    test = Pattern("code", regex, "shape").value_test()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert test(pd.Series([value], dtype=object)).tolist() == [matches]
