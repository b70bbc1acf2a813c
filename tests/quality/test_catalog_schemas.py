"""The pandera schemas derived from the catalog catch what the share and subject tables must never hold."""

import datetime as dt

import pandas as pd
import pandera.errors
import pytest

from hubei_data.catalog.share import DATASETS
from hubei_data.quality.catalog_schemas import catalog_schema


def _enterprise(**changes) -> dict:
    row = {
        "uscc": "91420100MA4K12345K", "name": "武汉某药业有限公司", "legal_rep": "欧阳**",
        "address": "武汉市江岸区", "division_code": "420102", "division_name": "江岸区",
        "enterprise_type": "药品批发", "established_on": dt.date(2010, 5, 1), "status": "存续",
    }
    return {**row, **changes}


def _failed_checks(model, rows) -> set[str]:
    frame = pd.DataFrame(rows, dtype=object)
    try:
        catalog_schema(model, "share").validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as errors:
        return set(errors.failure_cases["check"].astype(str))
    return set()


def test_a_clean_masked_row_passes():
    assert _failed_checks(DATASETS["enterprise_basic"], [_enterprise()]) == set()


@pytest.mark.parametrize(
    ("changes", "check"),
    [
        ({"legal_rep": "欧阳娜娜"}, "masked_name"),
        ({"uscc": "91420100MA4K12345A"}, "uscc_check"),
        ({"division_code": "110101"}, "hubei_division"),
        ({"enterprise_type": "食品生产"}, "accepted_values"),
        ({"established_on": dt.date.today() + dt.timedelta(days=3)}, "not_future"),
    ],
)
def test_a_broken_row_fails_its_rule(changes, check):
    assert check in _failed_checks(DATASETS["enterprise_basic"], [_enterprise(**changes)])


def test_a_repeated_key_fails():
    assert _failed_checks(DATASETS["enterprise_basic"], [_enterprise(), _enterprise(name="另一家")])


def test_a_clear_child_id_number_fails():
    row = {
        "record_id": "JZ1", "birth_cert_no": "A000000001", "child_id_no": "420102202601050019",
        "child_name": "王*", "sex": "男", "birth_date": dt.date(2026, 1, 5), "vaccine_code": "0201",
        "vaccine_name": "乙肝疫苗", "dose_no": 1, "vaccinated_on": dt.date(2026, 1, 5), "unit_code": None,
        "division_code": "420102",
    }
    assert _failed_checks(DATASETS["newborn_vaccination"], [row]) == {"masked_id_number"}
    assert _failed_checks(DATASETS["newborn_vaccination"], [{**row, "child_id_no": "420102********0019"}]) == set()
