"""A build leaves what it built in sync: the UI shows no asset of it as Unsynced.

The UI computes the status with CachingStaleStatusResolver over the instance and the
asset graph; so do these tests, after building one source's slice with the runner.
"""

import dagster as dg
import pytest
from dagster._core.definitions.data_version import CachingStaleStatusResolver, StaleStatus
from dagster._core.loader import LoadingContextForTest

from hubei_data.ingest.assets import files_key

SOURCE = "drug_product"
SLICE = [files_key(SOURCE), *(dg.AssetKey([layer, SOURCE]) for layer in ("raw", "staging", "resource", "quarantine"))]
ROWS = "批准文号,通用名称,剂型\n国药准字H20000001,阿莫西林胶囊,胶囊剂\n国药准字X1,坏批准文号,片剂\n"


@pytest.fixture(scope="module")
def runner(warehouse):
    from hubei_data import runner

    return runner


@pytest.fixture(scope="module")
def landed(tmp_path_factory):
    path = tmp_path_factory.mktemp("landing") / f"{SOURCE}.csv"
    path.write_text(ROWS, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def first_build(runner, landed) -> dg.ExecuteInProcessResult:
    return _build(runner, SLICE, landed)


def _build(runner, keys: list[dg.AssetKey], landed) -> dg.ExecuteInProcessResult:
    config = {"ops": {files_key(SOURCE).to_python_identifier(): {"config": {"paths": [str(landed)]}}}}
    result = runner.run_job("build_all_job", run_config=config, selection=keys)
    assert result.success
    return result


def _statuses(runner) -> dict[str, tuple[StaleStatus, list[str]]]:
    instance = runner.instance()
    graph = runner.definitions().resolve_asset_graph()
    resolver = CachingStaleStatusResolver(instance, graph, LoadingContextForTest(instance))
    return {k.to_user_string(): (resolver.get_status(k), [c.reason for c in resolver.get_stale_causes(k)]) for k in SLICE}


IN_SYNC = {k.to_user_string(): (StaleStatus.FRESH, []) for k in SLICE}


def test_a_built_slice_is_in_sync(runner, first_build):
    assert {e.asset_key for e in first_build.get_asset_materialization_events()} == set(SLICE)
    assert _statuses(runner) == IN_SYNC


def test_dbt_tests_report_as_the_named_checks_of_the_slice(first_build):
    passed = {
        (e.asset_check_evaluation_data.asset_key.to_user_string(), e.asset_check_evaluation_data.check_name)
        for e in first_build.all_events
        if e.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION and e.asset_check_evaluation_data.passed
    }
    assert {
        (f"resource/{SOURCE}", "unique_approval_no"),
        (f"resource/{SOURCE}", "not_null_approval_no"),
        (f"resource/{SOURCE}", "not_null_generic_name"),
    } <= passed


def test_landing_nothing_new_leaves_the_slice_in_sync(runner, first_build, landed):
    """The file sensor or `ingest` meeting bytes already landed must not mark everything after them Unsynced."""
    _build(runner, [files_key(SOURCE)], landed)
    assert _statuses(runner) == IN_SYNC


def test_landing_a_new_file_leaves_the_slice_unsynced_and_building_it_again_syncs_it(runner, first_build, landed):
    newer = landed.with_name(f"{SOURCE}_newer.csv")
    newer.write_text(ROWS + "国药准字H20000002,布洛芬片,片剂\n", encoding="utf-8")
    _build(runner, [files_key(SOURCE)], newer)
    statuses = _statuses(runner)
    assert statuses[f"raw/{SOURCE}"] == (StaleStatus.STALE, ["has a new dependency data version"])
    _build(runner, SLICE, newer)
    assert _statuses(runner) == IN_SYNC
