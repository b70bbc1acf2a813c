"""The whole asset graph: keys, groups, lineage, checks, jobs, schedules and sensors."""

import re

import dagster as dg
import pytest

from hubei_data.contracts import SOURCES
from hubei_data.ingest.assets import database_sources
from hubei_data.quality.schemas import LAYERS


@pytest.fixture(scope="module")
def defs() -> dg.Definitions:
    from hubei_data.definitions import defs as load

    return load()


@pytest.fixture(scope="module")
def graph(defs):
    return defs.resolve_asset_graph()


def _key(text: str) -> dg.AssetKey:
    return dg.AssetKey(text.split("/"))


def test_every_source_has_its_layers_in_their_groups(graph):
    for name in SOURCES:
        for layer in ("raw", "staging", "resource", "quarantine"):
            assert graph.get(_key(f"{layer}/{name}")).group_name == layer
        assert graph.get(_key(f"landing/{name}_files")).group_name == "landing"
    assert graph.get(_key("reference/hubei_divisions")).group_name == "reference"


def test_lineage_runs_landing_raw_staging_resource_quarantine(graph):
    def parents(text):
        return {k.to_user_string() for k in graph.get(_key(text)).parent_keys}

    for s in SOURCES.values():
        expected = {f"landing/{s.name}_files"} | ({f"landing/{s.name}_extract"} if s.watermark else set())
        assert parents(f"raw/{s.name}") == expected
        assert f"raw/{s.name}" in parents(f"staging/{s.name}")
        assert parents(f"resource/{s.name}") == {f"staging/{s.name}"}
        assert parents(f"quarantine/{s.name}") == {f"staging/{s.name}"}
    assert "raw/enterprise" in parents("staging/license")
    assert "reference/hubei_divisions" in parents("staging/enterprise")
    assert {f"quarantine/{s}" for s in SOURCES} | {"raw/batches"} == parents("quarantine/issues")


def test_database_sources_extract_in_daily_partitions(graph):
    assert {s.name for s in database_sources()} == {
        "enterprise", "license", "inspection", "penalty", "vaccination", "birth_certificate"
    }
    for s in database_sources():
        node = graph.get(_key(f"landing/{s.name}_extract"))
        assert isinstance(node.partitions_def, dg.DailyPartitionsDefinition)


def test_every_layer_of_every_source_has_a_blocking_pandera_check(graph):
    checks = {(k.asset_key.to_user_string(), k.name) for k in graph.asset_check_keys}
    for name in SOURCES:
        for layer in LAYERS:
            asset = f"landing/{name}_files" if layer == "landing" else f"{layer}/{name}"
            assert (asset, f"pandera_{layer}_{name}") in checks
    for s in SOURCES.values():
        if len(s.key) == 1:
            assert (f"resource/{s.name}", f"unique_{s.key[0]}") in checks
    assert ("resource/license", "unique_combination_license_no_license_type") in checks


def test_dbt_checks_read_well_and_say_their_rule(graph):
    prefixes = {"raw": "raw", "staging": "stg", "resource": "res", "quarantine": "qua", "subject": "sub", "share": "shr"}
    dbt_checks = [graph.get(k) for k in graph.asset_check_keys if "dagster_dbt/unique_id" in graph.get(k).metadata]
    assert len(dbt_checks) > 100
    for check in dbt_checks:
        name, (layer, table) = check.key.name, check.key.asset_key.path
        assert name.startswith(("not_null_", "unique_", "accepted_values_", "relationships_", "masked_")), name
        assert not re.search(r"_{3,}", name) and f"{prefixes[layer]}_{table}" not in name, check.key
        assert check.description and check.description.endswith("."), check.key
    described = {(c.key.asset_key.to_user_string(), c.key.name): c.description for c in dbt_checks}
    assert described[("resource/enterprise", "accepted_values_enterprise_type")] == (
        "enterprise_type is one of: 药品生产, 药品批发, 药品零售, 化妆品生产, 医疗器械生产, 医疗器械经营."
    )
    assert described[("share/license_info", "relationships_uscc")] == "Every uscc is a uscc of shr_enterprise_basic."
    assert described[("subject/enterprise_profile", "unique_uscc")] == "No two rows have the same uscc."


def test_jobs_schedule_and_sensor_are_defined(defs):
    assert defs.resolve_job_def("build_all_job")
    assert defs.resolve_job_def("daily_extract_job").partitions_def is not None
    assert defs.resolve_schedule_def("daily_extract_job_schedule")
    assert defs.resolve_sensor_def("landing_files_sensor")
    for name in SOURCES:
        assert defs.resolve_job_def(f"land_{name}_files_job")


def test_subject_and_share_follow_resource_with_checks(graph):
    from hubei_data.catalog.models import table_name
    from hubei_data.quality.catalog_schemas import CATALOG_MODELS

    checks = {(k.asset_key.to_user_string(), k.name) for k in graph.asset_check_keys}
    for schema, model in CATALOG_MODELS:
        key = f"{schema}/{table_name(model)}"
        assert graph.get(_key(key)).group_name == schema
        assert (key, f"pandera_{schema}_{table_name(model)}") in checks
        assert (key, f"not_null_{model.key[0]}") in checks
        assert not graph.get(dg.AssetCheckKey(_key(key), "catalog_linked")).blocking

    def parents(text):
        return {k.to_user_string() for k in graph.get(_key(text)).parent_keys}

    assert {"resource/enterprise", "resource/license", "resource/sampling", "resource/penalty",
            "resource/inspection", "resource/drug_product"} <= parents("subject/enterprise_profile")
    assert parents("share/enterprise_basic") == {"subject/enterprise_profile"}
    assert "subject/child_identifier" in parents("subject/child_immunisation_profile")
    assert "subject/child_immunisation_profile" in parents("share/newborn_vaccination_lookup")
    assert parents("share/newborn_vaccination") == {"share/newborn_vaccination_lookup"}


def test_each_bureau_feed_has_a_push_asset_sensor_job_and_sla_check(defs, graph):
    from hubei_data.exchange.feeds import FEEDS

    checks = {(k.asset_key.to_user_string(), k.name) for k in graph.asset_check_keys}
    for feed in FEEDS.values():
        node = graph.get(feed.push_key)
        assert node.group_name == "exchange"
        assert feed.dataset_key in node.parent_keys
        assert (feed.push_key.to_user_string(), f"bureau_{feed.name}_within_sla") in checks
        assert defs.resolve_sensor_def(f"bureau_{feed.name}_sensor")
        assert defs.resolve_job_def(f"push_{feed.name}_job")


def test_every_build_takes_in_the_three_lists_after_the_share_library_with_a_check_per_list(defs, graph):
    from hubei_data.catalog.models import table_name
    from hubei_data.catalog.share import SHARE_DATASETS

    node = graph.get(_key("lists/three_lists"))
    assert node.group_name == "lists"
    assert {k.to_user_string() for k in node.parent_keys} == {f"share/{table_name(d)}" for d in SHARE_DATASETS}
    assert {k.name for k in graph.asset_check_keys if k.asset_key == node.key} == {
        "responsibilities_published_and_fresh", "demands_met_or_answered", "negative_list_respected"}
    assert node.key in defs.resolve_job_def("build_all_job").asset_layer.selected_asset_keys


def test_builds_never_push(defs):
    build = defs.resolve_job_def("build_all_job")
    assert not [k for k in build.asset_layer.selected_asset_keys if k.path[0] == "exchange"]


def test_api_statistics_are_a_daily_asset_with_a_schedule_that_builds_leave_alone(defs, graph):
    node = graph.get(_key("api/daily_stats"))
    assert node.group_name == "api" and isinstance(node.partitions_def, dg.DailyPartitionsDefinition)
    assert defs.resolve_schedule_def("api_stats_job_schedule").job_name == "api_stats_job"
    build = defs.resolve_job_def("build_all_job")
    assert _key("api/daily_stats") not in build.asset_layer.selected_asset_keys


def test_metric_assets_run_from_models_through_atomic_and_derived_to_composite(defs, graph):
    def parents(text):
        return {k.to_user_string() for k in graph.get(_key(text)).parent_keys}

    assert parents("metric/sampling_batches") == {"resource/sampling"}
    assert parents("metric/failed_sampling_batches_month") == {"metric/sampling_batches"}
    assert parents("metric/sampling_failure_rate") == {"metric/failed_sampling_batches_month", "metric/sampling_batches_month"}
    assert parents("metric/active_enterprises") == {"resource/enterprise"}
    assert graph.get(_key("metric/sampling_failure_rate")).group_name == "metric"
    assert isinstance(graph.get(_key("metric/sampling_batches")).partitions_def, dg.MonthlyPartitionsDefinition)
    assert isinstance(graph.get(_key("metric/vaccine_doses_day")).partitions_def, dg.DailyPartitionsDefinition)
    assert defs.resolve_schedule_def("metrics_monthly_job_schedule") and defs.resolve_schedule_def("metrics_daily_job_schedule")
    build = defs.resolve_job_def("build_all_job")
    assert not [k for k in build.asset_layer.selected_asset_keys if k.path[0] == "metric"]


def test_the_weekly_report_is_written_on_monday_mornings_for_the_week_before_and_builds_leave_it_alone(defs, graph):
    node = graph.get(_key("reports/weekly_sharing_report"))
    assert node.group_name == "reports" and isinstance(node.partitions_def, dg.WeeklyPartitionsDefinition)
    assert node.partitions_def.get_first_partition_key() == "2025-12-29"  # the Monday of ISO week 2026-W01
    schedule = defs.resolve_schedule_def("weekly_report_job_schedule")
    assert (schedule.cron_schedule, schedule.execution_timezone, schedule.job_name) == (
        "0 6 * * 1", "Asia/Shanghai", "weekly_report_job")
    build = defs.resolve_job_def("build_all_job")
    assert _key("reports/weekly_sharing_report") not in build.asset_layer.selected_asset_keys


def test_every_schedule_and_sensor_runs_without_anyone_starting_it(defs):
    stopped = [s.name for s in [*defs.schedules, *defs.sensors]
               if s.default_status not in (dg.DefaultScheduleStatus.RUNNING, dg.DefaultSensorStatus.RUNNING)]
    assert stopped == []
    assert len(list(defs.schedules)) >= 4 and len(list(defs.sensors)) >= 2


def test_every_source_table_shows_its_contract_columns_and_raw_has_a_schema_change_check(graph):
    for s in SOURCES.values():
        check = graph.get(dg.AssetCheckKey(_key(f"raw/{s.name}"), "schema_drift"))
        assert not check.blocking, "drift is told, never stops a build"
        for layer in ("raw", "staging", "resource", "quarantine"):
            shown = {c.name: c for c in graph.get(_key(f"{layer}/{s.name}")).metadata["dagster/column_schema"].columns}
            assert all(shown[c.name].description == c.chinese for c in s.columns), (layer, s.name)
            assert "_batch_id" in shown
    resource = {c.name: c for c in graph.get(_key("resource/inspection")).metadata["dagster/column_schema"].columns}
    assert (resource["inspected_on"].type, resource["findings"].type, resource["uscc"].constraints.nullable) == (
        "date", "bigint", False)
