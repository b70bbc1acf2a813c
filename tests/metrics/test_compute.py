"""Every kind of metric computed on small fixture data and checked against values worked out by hand."""

import datetime as dt
from decimal import Decimal

import psycopg
import pytest

from hubei_data.metrics.compute import compute
from hubei_data.metrics.query import MetricQueryError, query
from hubei_data.metrics.registry import load_registry

OCT, SEP, NOV = dt.date(2026, 10, 1), dt.date(2026, 9, 1), dt.date(2026, 11, 1)


@pytest.fixture(scope="module")
def registry():
    return load_registry()


def _value(rows, **dims):
    return next(r["value"] for r in rows if r["dims"] == dims)


def _fill(conn) -> None:
    # Sampling: September 2 batches (0 failed); October 4 batches (1 failed); one in 2025-10.
    conn.execute(
        "insert into resource.sampling (sample_no, uscc, sampled_on, result) values"
        " ('S1', 'A', '2026-09-03', '合格'), ('S2', 'B', '2026-09-20', '合格'),"
        " ('S3', 'A', '2026-10-01', '合格'), ('S4', 'A', '2026-10-15', '不合格'),"
        " ('S5', 'C', '2026-10-31', '合格'), ('S6', 'B', '2026-10-20', '合格'),"
        " ('S7', 'C', '2025-10-10', '合格'), ('S8', 'C', '2026-11-01', '不合格')"
    )
    # Enterprises: Wuhan (420102) 3 active (one founded after October), 1 cancelled; Yichang (420500) 2 active.
    conn.execute(
        "insert into resource.enterprise (uscc, division_code, enterprise_type, established_on, status) values"
        " ('A', '420102', '药品零售', '2020-01-01', '存续'), ('B', '420102', '药品零售', '2021-01-01', '存续'),"
        " ('C', '420102', '药品批发', '2026-11-15', '存续'), ('D', '420102', '药品零售', '2019-01-01', '注销'),"
        " ('E', '420500', '药品生产', '2018-01-01', '存续'), ('F', '420500', '药品零售', '2018-01-01', '存续')"
    )
    # Inspections in October: A twice and B once in Wuhan; none in Yichang.
    conn.execute(
        "insert into resource.inspection (inspection_id, uscc, inspected_on, division_code, result) values"
        " ('I1', 'A', '2026-10-02', '420102', '符合'), ('I2', 'A', '2026-10-20', '420102', '符合'),"
        " ('I3', 'B', '2026-10-21', '420102', '不符合'), ('I4', 'E', '2026-09-21', '420500', '符合')"
    )
    conn.execute(
        "insert into resource.penalty (case_no, uscc, decided_on, fine_yuan, confiscated_yuan) values"
        " ('P1', 'A', '2026-10-05', 10000, 2000.50), ('P2', 'B', '2026-10-25', 5000, null),"
        " ('P3', 'B', '2026-09-25', 700, 0)"
    )
    # Licences at the end of October: A valid, B expires 2026-11-20 (within 30 days), C issued after, D cancelled.
    conn.execute(
        "insert into resource.license (license_no, license_type, uscc, issued_on, valid_until, status) values"
        " ('L1', '药品经营许可证', 'A', '2021-01-01', '2030-01-01', '有效'),"
        " ('L2', '药品经营许可证', 'B', '2021-06-01', '2026-11-20', '有效'),"
        " ('L3', '药品经营许可证', 'C', '2026-11-20', '2031-11-19', '有效'),"
        " ('L4', '药品经营许可证', 'D', '2019-01-01', '2029-01-01', '注销'),"
        " ('L5', '药品生产许可证', 'E', '2018-01-01', '2028-01-01', '有效'),"
        " ('L6', '药品经营许可证', 'A', '2022-01-01', '2026-12-10', '有效')"
    )
    # Children born in October: 4, of whom 3 had the first hepatitis B dose within 24 hours. None in September.
    conn.execute(
        "insert into subject.child_immunisation_profile (child_key, birth_date, hepatitis_b_first_dose_within_24_hours)"
        " values ('K1', '2026-10-01', true), ('K2', '2026-10-09', true), ('K3', '2026-10-30', false),"
        " ('K4', '2026-10-31', true)"
    )
    conn.execute(
        "insert into resource.vaccination (record_id, vaccine_code, vaccinated_on) values"
        " ('V1', '0201', '2026-10-01'), ('V2', '0201', '2026-10-01'), ('V3', '0101', '2026-10-02'),"
        " ('V4', '0101', '2026-09-30'), ('V5', '0201', '2026-09-01')"
    )
    conn.commit()


@pytest.fixture
def filled(metric_db):
    with psycopg.connect(metric_db.url) as conn:
        _fill(conn)
        yield conn


def _run(conn, registry, code, partition):
    return compute(conn, registry, code, partition, "test-run")


def test_atomic_and_derived_with_periods_and_modifiers(filled, registry):
    assert _value(_run(filled, registry, "sampling_batches", OCT)) == 4
    assert _value(_run(filled, registry, "failed_sampling_batches_month", OCT)) == 1
    assert _value(_run(filled, registry, "sampling_batches_ytd", OCT)) == 6
    assert _value(_run(filled, registry, "fines_month", OCT)) == Decimal("15000")
    assert _value(_run(filled, registry, "confiscations_month", OCT)) == Decimal("2000.50")
    inspections = _run(filled, registry, "inspections_month", OCT)
    assert {r["dims"]["division"]: r["value"] for r in inspections} == {"420102": 3}
    rolling = _run(filled, registry, "vaccine_doses_30d", OCT)
    assert (_value(rolling), rolling[0]["period_start"], rolling[0]["period_end"]) == (1, dt.date(2026, 10, 2), dt.date(2026, 10, 31))
    assert _value(_run(filled, registry, "vaccine_doses_day", dt.date(2026, 10, 1))) == 2
    by_vaccine = _run(filled, registry, "vaccine_doses_month", OCT)
    assert {r["dims"]["vaccine"]: r["value"] for r in by_vaccine} == {"0201": 2, "0101": 1}


def test_custom_metrics_use_the_period_end(filled, registry):
    licensed = _run(filled, registry, "licensed_enterprises", OCT)
    assert {r["dims"]["license_type"]: r["value"] for r in licensed} == {"药品经营许可证": 2, "药品生产许可证": 1}
    assert _value(_run(filled, registry, "licenses_expiring_30d", OCT)) == 1
    active = _run(filled, registry, "active_enterprises", OCT)
    assert {r["dims"]["division"]: r["value"] for r in active} == {"420102": 2, "420500": 2}
    inspected = _run(filled, registry, "inspected_enterprises_month", OCT)
    assert {r["dims"]["division"]: r["value"] for r in inspected} == {"420102": 2}


def test_composites_ratio_sum_and_a_zero_denominator(filled, registry):
    for code in ("failed_sampling_batches_month", "sampling_batches_month", "fines_month", "confiscations_month",
                 "inspected_enterprises_month", "active_enterprises", "timely_hepb_births_month", "births_month"):
        for month in (SEP, OCT):
            _run(filled, registry, code, month)
    assert _value(_run(filled, registry, "sampling_failure_rate", OCT)) == Decimal("0.25")
    assert _value(_run(filled, registry, "fines_and_confiscations_month", OCT)) == Decimal("17000.5")
    coverage = _run(filled, registry, "inspection_coverage", OCT)
    assert {r["dims"]["division"]: r["value"] for r in coverage} == {"420102": 1, "420500": 0}
    assert _value(_run(filled, registry, "timely_hepb_first_dose_rate", OCT)) == Decimal("0.75")
    assert _value(_run(filled, registry, "timely_hepb_first_dose_rate", SEP)) is None  # no births: 0 ÷ 0


def test_growth_against_the_prior_period_and_a_missing_one(filled, registry):
    for month in (SEP, OCT):
        _run(filled, registry, "sampling_batches_month", month)
    assert _value(_run(filled, registry, "sampling_batches_mom", OCT)) == Decimal("1")  # (4 - 2) / 2
    assert _value(_run(filled, registry, "sampling_batches_yoy", OCT)) is None  # 2025-10 never computed
    _run(filled, registry, "sampling_batches_month", dt.date(2025, 10, 1))
    assert _value(_run(filled, registry, "sampling_batches_yoy", OCT)) == Decimal("3")  # (4 - 1) / 1
    assert _run(filled, registry, "sampling_batches_mom", NOV) == []  # November itself not computed


def test_a_rerun_replaces_and_never_duplicates(filled, registry):
    _run(filled, registry, "inspections_month", OCT)
    filled.execute("insert into resource.inspection (inspection_id, uscc, inspected_on, division_code)"
                   " values ('I9', 'E', '2026-10-09', '420500')")
    filled.commit()
    _run(filled, registry, "inspections_month", OCT)
    stored = filled.execute("select dims->>'division', value from metric.metric_values"
                            " where metric_code = 'inspections_month' order by 1").fetchall()
    assert stored == [("420102", 3), ("420500", 1)]


def test_query_slices_by_dimension_and_refuses_to_add_up_ratios(filled, registry):
    for code in ("inspected_enterprises_month", "active_enterprises", "inspection_coverage", "inspections_month"):
        _run(filled, registry, code, OCT)
    total = query(filled, registry, "inspections_month", (OCT, OCT))
    assert [r["value"] for r in total] == [3]
    by_division = query(filled, registry, "inspections_month", (OCT, OCT), ("division",))
    assert [(r["division"], r["value"]) for r in by_division] == [("420102", 3)]
    with pytest.raises(MetricQueryError, match="do not add up"):
        query(filled, registry, "inspection_coverage", (OCT, OCT))
    with pytest.raises(MetricQueryError, match="not vaccine"):
        query(filled, registry, "inspections_month", (OCT, OCT), ("vaccine",))
