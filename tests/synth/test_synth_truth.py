"""Read back, the generated data breaks exactly the rules its truth says, one per defective row."""

from collections import Counter

import pytest
from conftest import AS_OF
from synth_readback import duplicates, key_of, violations

from hubei_data.contracts import SOURCES
from hubei_data.synth import Defect, read_truth
from hubei_data.synth.report import TRUTH_FILE

EXPECTED_KINDS = {
    "enterprise": {"required", "uscc_check", "hubei_division", "accepted_values", "not_future", "unique",
                   "date_format", "timestamp_format"},
    "license": {"required", "license_no_format", "accepted_values", "enterprise_exists", "date_order", "unique",
                "date_format", "timestamp_format"},
    "drug_product": {"required", "approval_no_format", "uscc_check", "date_format", "unique"},
    "cosmetic_filing": {"required", "filing_no_format", "accepted_values", "uscc_check", "date_format", "unique"},
    "device_registration": {"required", "reg_no_format", "accepted_values", "uscc_check", "date_format", "unique"},
    "inspection": {"required", "uscc_check", "not_future", "hubei_division", "accepted_values", "range", "unique",
                   "date_format", "timestamp_format", "integer_format"},
    "sampling": {"required", "approval_no_format", "uscc_check", "accepted_values", "required_when",
                 "date_format", "unique"},
    "penalty": {"required", "uscc_check", "range", "unique", "date_format", "timestamp_format", "decimal_format"},
    "vaccination": {"required", "id_check", "birth_cert_no_format", "id_birth_date", "range", "date_order",
                    "not_future", "hubei_division", "one_of_required", "unique", "date_format", "integer_format",
                    "timestamp_format"},
    "birth_certificate": {"required", "birth_cert_no_format", "accepted_values", "not_future", "id_check",
                          "hubei_division", "unique", "date_format", "timestamp_format"},
}


def _found(run) -> tuple[Counter, list[str]]:
    """What an independent check of every row finds, and the rows breaking more than one rule."""
    known = {"enterprise": {r.values["uscc"] for r in run.records["enterprise"] if r.values["uscc"]}}
    found, crowded = Counter(), []
    for name, contract in SOURCES.items():
        for channel in ("database", "file"):
            records = run.of(name, channel)
            for record in records:
                broken = violations(contract, record, AS_OF, known)
                if len(broken) > 1:
                    crowded.append(f"{record.origin}: {broken}")
                found.update(Defect(name, key_of(contract, record), rule, channel) for rule in broken)
            found.update(Defect(name, key, "unique", channel) for key in duplicates(contract, records))
    return found, crowded


def test_every_defect_is_in_the_truth_and_nothing_else_is_broken(synth_run):
    found, crowded = _found(synth_run)
    truth = Counter(synth_run.report.defects)
    assert not crowded, f"rows with more than one defect: {crowded[:5]}"
    assert found - truth == Counter(), "broken but not in the truth"
    assert truth - found == Counter(), "in the truth but not broken"


def test_no_key_is_shared_across_channels(synth_run):
    for name, contract in SOURCES.items():
        keys = {channel: {key_of(contract, r) for r in synth_run.of(name, channel)} - {None}
                for channel in ("database", "file")}
        assert not keys["database"] & keys["file"], name


@pytest.mark.parametrize("name", list(SOURCES))
def test_every_applicable_kind_appears(synth_run, name):
    assert {d.rule for d in synth_run.report.defects_of(name)} == EXPECTED_KINDS[name]


def test_defect_rate_is_the_asked_one_where_rows_are_many(synth_run):
    rows = synth_run.report.rows
    for name, channel in (("vaccination", "database"), ("birth_certificate", "database"), ("sampling", "file")):
        planted = sum(1 for d in synth_run.report.defects if d.source == name and d.channel == channel)
        assert planted == round(0.03 * rows[name][channel]), name


def test_truth_file_matches_the_report(synth_run):
    path = synth_run.out_dir / TRUTH_FILE
    assert read_truth(path) == synth_run.report.defects
    assert not list(synth_run.out_dir.glob(f"*/{TRUTH_FILE}"))
