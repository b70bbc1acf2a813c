"""挂接 in the Dagster UI: each subject and share table's check holds its published catalog entry to its columns,
on a real warehouse, and warns on a table no published entry hangs on."""

import dagster as dg
import psycopg
import pytest

from hubei_data.catalog.definitions import CHECK_NAME, catalog_definitions
from hubei_data.resources import WarehouseResource

PENALTY = dg.AssetKey(["share", "penalty_info"])


def _evaluate(key: dg.AssetKey) -> dg.AssetCheckResult:
    checks = catalog_definitions().asset_checks
    check = next(c for c in checks if dg.AssetCheckKey(key, CHECK_NAME) in c.check_keys)
    return check(warehouse=WarehouseResource())


@pytest.fixture
def conn(share_db, use_warehouse):
    use_warehouse(share_db)
    with psycopg.connect(share_db.url, autocommit=True) as connection:
        yield connection


def test_a_table_with_a_column_for_every_published_item_passes(conn):
    result = _evaluate(PENALTY)
    assert result.passed
    assert result.metadata["entries"].value == "420000-SYJ-GX-0007 version 1"


def test_a_column_without_an_item_and_an_item_without_a_column_fail_naming_both(conn):
    conn.execute("alter table share.penalty_info add column region text")
    conn.execute("alter table share.penalty_info drop column violation")
    result = _evaluate(PENALTY)
    assert not result.passed and result.severity == dg.AssetCheckSeverity.ERROR
    assert result.metadata["columns_without_item"].value == "region"
    assert result.metadata["items_without_column"].value == "violation"


def test_a_table_no_published_entry_hangs_on_warns(conn):
    conn.execute("update control.catalog_versions set status = 'superseded' where target = 'share.penalty_info'")
    result = _evaluate(PENALTY)
    assert not result.passed and result.severity == dg.AssetCheckSeverity.WARN
    assert "no published catalog entry hangs on share.penalty_info" in result.metadata["reason"].value


def test_a_published_entry_whose_table_is_missing_fails(conn):
    result = _evaluate(dg.AssetKey(["subject", "enterprise_profile"]))
    assert not result.passed and result.severity == dg.AssetCheckSeverity.ERROR
    assert "there is no table subject.enterprise_profile" in result.metadata["reason"].value
