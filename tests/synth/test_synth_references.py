"""Clean rows reference what was generated: enterprises, drug products, children with certificates."""

import datetime as dt

import pytest
from conftest import AS_OF
from synth_readback import violations

from hubei_data.contracts import SOURCES
from hubei_data.contracts.standards import hubei_divisions, resident_id_birth_date

BUSINESS_DATES = {
    "enterprise": "established_on", "license": "issued_on", "drug_product": "approved_on",
    "cosmetic_filing": "filed_on", "device_registration": "approved_on", "inspection": "inspected_on",
    "sampling": "sampled_on", "penalty": "decided_on", "birth_certificate": "birth_date",
    "vaccination": "vaccinated_on",
}


@pytest.fixture(scope="module")
def clean(synth_run) -> dict[str, list]:
    """Rows breaking no rule (duplicated keys are left in: their rows are clean)."""
    known = {"enterprise": {r.values["uscc"] for r in synth_run.records["enterprise"] if r.values["uscc"]}}
    return {
        name: [r for r in synth_run.records[name] if not violations(SOURCES[name], r, AS_OF, known)]
        for name in SOURCES
    }


def test_drug_regulator_rows_name_generated_enterprises(clean):
    enterprises = {r.values["uscc"] for r in clean["enterprise"] if r.channel == "database"}
    for name, column in (("license", "uscc"), ("drug_product", "holder_uscc"), ("cosmetic_filing", "registrant_uscc"),
                         ("device_registration", "registrant_uscc"), ("inspection", "uscc"), ("sampling", "uscc"),
                         ("penalty", "uscc")):
        assert {r.values[column] for r in clean[name]} <= enterprises, name


def test_samples_are_of_generated_drug_products(clean):
    products = {r.values["approval_no"] for r in clean["drug_product"]}
    assert {r.values["approval_no"] for r in clean["sampling"]} <= products


def test_usccs_are_companies_registered_in_hubei(clean):
    for record in clean["enterprise"]:
        uscc = record.values["uscc"]
        assert uscc[:2] == "91" and uscc[2:8] in hubei_divisions(), uscc
        assert record.values["name"].endswith("公司")


@pytest.mark.parametrize("channel", ["database", "file"])
def test_vaccinations_are_of_children_with_certificates(clean, channel):
    certificates = {
        r.values["cert_no"]: r.values["birth_date"] for r in clean["birth_certificate"] if r.channel == channel
    }
    records = [r.values for r in clean["vaccination"] if r.channel == channel]
    assert records
    for values in records:
        born = values["birth_date"]
        if values["birth_cert_no"] is not None:
            assert certificates[values["birth_cert_no"]] == born
        if values["child_id_no"] is not None:
            assert resident_id_birth_date(values["child_id_no"]) == born
        assert born <= values["vaccinated_on"] < AS_OF


def test_the_birth_dose_of_hepatitis_b_is_given_on_the_day_or_the_next(clean):
    delays = [(r.values["vaccinated_on"] - r.values["birth_date"]).days for r in clean["vaccination"]
              if r.values["vaccine_code"] == "0201" and r.values["dose_no"] == 1]
    assert len(delays) > 100
    assert sum(d <= 1 for d in delays) / len(delays) > 0.9


def test_business_dates_are_before_as_of_and_plausible(clean):
    for name, column in BUSINESS_DATES.items():
        days = [r.values[column] for r in clean[name] if r.values[column] is not None]
        assert max(days) < AS_OF, name
        assert min(days) > dt.date(1990, 1, 1), name


def test_licences_are_valid_after_they_are_issued(clean):
    for record in clean["license"]:
        values = record.values
        assert values["valid_until"] > values["issued_on"]
        assert (values["status"] == "过期") == (values["valid_until"] < AS_OF)
