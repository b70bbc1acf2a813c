"""The indicator catalog sheet (指标目录) speaks Chinese and leaves no metric without its period or granularity."""

import re

import pytest

from hubei_data.metrics.catalog import KINDS, metric_rows, period_chinese, sheet_rows
from hubei_data.registry.periods import parse_period
from hubei_data.metrics.registry import load_registry

CHINESE_PERIOD = re.compile(r"^(日|月|季初至今|年初至今|近[1-9][0-9]*日)$")


@pytest.fixture(scope="module")
def registry():
    return load_registry()


@pytest.mark.parametrize(("period", "chinese"), [
    ("day", "日"), ("month", "月"), ("quarter", "季初至今"), ("year", "年初至今"),
    ("rolling_30d", "近30日"), ("rolling_7d", "近7日"), ("rolling_365d", "近365日"),
])
def test_every_kind_of_period_has_its_chinese_name(period, chinese):
    assert period_chinese(parse_period(period)) == chinese


def test_every_metric_on_the_sheet_has_a_chinese_kind_period_and_granularity(registry):
    rows = sheet_rows(registry)
    assert len(rows) == len(registry.metrics)
    for row in rows:
        assert row["kind"] in KINDS.values()
        assert CHINESE_PERIOD.match(row["period"]), row
        assert row["by"] == "全省" or re.match(r"^按[^a-z]+$", row["by"]), row


@pytest.mark.parametrize(("code", "period", "by"), [
    ("sampling_batches", "月", "全省"),
    ("sampling_batches_ytd", "年初至今", "全省"),
    ("vaccine_doses_day", "日", "全省"),
    ("vaccine_doses_30d", "近30日", "全省"),
    ("newborns_month", "月", "按行政区划"),
    ("vaccine_doses_month", "月", "按疫苗"),
    ("inspection_coverage", "月", "按行政区划"),
])
def test_a_metric_reads_as_its_definition_says(registry, code, period, by):
    row = next(r for r in sheet_rows(registry) if r["code"] == code)
    assert (row["period"], row["by"]) == (period, by)


def test_the_command_line_list_keeps_the_registry_codes(registry):
    rows = {r["code"]: r for r in metric_rows(registry)}
    assert (rows["sampling_batches"]["period"], rows["sampling_batches"]["by"]) == ("month", "total")
    assert (rows["vaccine_doses_30d"]["period"], rows["newborns_month"]["by"]) == ("rolling_30d", "division")
