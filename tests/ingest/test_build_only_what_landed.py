"""A run builds only what is downstream of landing assets that landed a batch; one that landed nothing builds nothing."""

import datetime as dt
import os
import subprocess
import uuid

import dagster as dg
import pytest

from hubei_data import runner
from hubei_data import warehouse as wh
from hubei_data.cli.jobs import land_and_build
from hubei_data.ingest.assets import extract_key, files_key, landing_run_config
from hubei_data.ingest.daily import BUILD_AFTER_EXTRACT_SENSORS, landed_in_run
from hubei_data.quality.checks import (
    FINGERPRINT,
    VERIFIED_THROUGH,
    check_key,
    unverified_syncs,
    verified_through,
)
from hubei_data.resources import WarehouseResource
from hubei_data.transform import parse_state
from hubei_data.transform.assets import DBT_DIR, dbt_resource
from hubei_data.transform.jobs import AFTER_RUN_TAG
from hubei_data.transform.selection import OUTSIDE_BUILDS
from tests.people import invoke

PENALTY_HEADER = "case_no,uscc,decided_on,fine_yuan,updated_at\n"
DRUG_HEADER = "批准文号,通用名称,剂型\n"
SOURCE_SCHEMA = "test_only_what_landed"


def _penalty_csv(folder, name: str):
    path = folder / name
    path.write_text(PENALTY_HEADER + f"{uuid.uuid4().hex[:12]},91420102MAYLRJ8BMN,2026-01-02,100,2026-01-02 10:00:00\n",
                    encoding="utf-8")
    return path


def _drug_csv(folder, name: str):
    path = folder / name
    number = f"国药准字H{uuid.uuid4().int % 10**8:08d}"
    path.write_text(DRUG_HEADER + f"{number},阿莫西林胶囊,胶囊剂\n", encoding="utf-8")
    return path


def _steps(run_id: str, event_type: dg.DagsterEventType) -> set[str]:
    records = runner.instance().get_records_for_run(run_id, of_type=event_type).records
    return {record.event_log_entry.step_key for record in records}


def _land_penalty_job(path) -> dg.ExecuteInProcessResult:
    """The run the file sensor asks for: the source's files and everything downstream of them."""
    result = runner.run_job("land_penalty_files_job", run_config=landing_run_config({"penalty": [str(path)]}))
    assert result.success
    return result


def _materialized(run_id: str) -> set[dg.AssetKey]:
    records = runner.instance().get_records_for_run(run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION).records
    return {record.event_log_entry.dagster_event.asset_key for record in records}


LANDING_STEP = files_key("penalty").to_python_identifier()


@pytest.fixture(scope="module")
def landed_penalty(warehouse, tmp_path_factory):
    """A penalty file landed and built once; the first build also builds every table not built yet."""
    path = _penalty_csv(tmp_path_factory.mktemp("penalty"), "landed.csv")
    [result], built = land_and_build({"penalty": [str(path)]}, build=True)
    assert result["status"] == "loaded" and built
    return path


def test_landing_a_file_already_loaded_starts_no_build_or_check_step(landed_penalty):
    run = _land_penalty_job(landed_penalty)
    assert _steps(run.run_id, dg.DagsterEventType.STEP_START) == {LANDING_STEP}
    assert {"warehouse_models", "pandera_warehouse_checks"} <= _steps(run.run_id, dg.DagsterEventType.STEP_SKIPPED)
    assert run.get_asset_materialization_events() == []
    [observed] = run.get_asset_observation_events()
    assert observed.event_specific_data.asset_observation.metadata["files_skipped"].value == 1


def test_landing_a_rejected_file_starts_no_build_or_check_step(warehouse, tmp_path):
    rejected = tmp_path / "rejected.csv"
    rejected.write_text(f"sample_no\n{uuid.uuid4().hex}\n", encoding="utf-8")
    run = _land_penalty_job(rejected)
    assert _steps(run.run_id, dg.DagsterEventType.STEP_START) == {LANDING_STEP}
    assert "warehouse_models" in _steps(run.run_id, dg.DagsterEventType.STEP_SKIPPED)
    [observed] = run.get_asset_observation_events()
    [reported] = observed.event_specific_data.asset_observation.metadata["files_rejected"].value
    assert reported["file"] == str(rejected)


def test_of_two_sources_landed_together_only_the_new_ones_downstream_is_built(landed_penalty, tmp_path):
    results, built = land_and_build({"drug_product": [str(_drug_csv(tmp_path, "new.csv"))],
                                     "penalty": [str(landed_penalty)]}, build=True)
    assert sorted(r["status"] for r in results) == ["loaded", "skipped"] and built
    [build] = runner.instance().get_runs(limit=1)
    landing_run = build.tags[AFTER_RUN_TAG]
    assert landed_in_run(runner.instance(), landing_run) == {files_key("drug_product")}
    assert "warehouse_models" not in _steps(landing_run, dg.DagsterEventType.STEP_START)
    built = {key.to_user_string() for key in _materialized(build.run_id)}
    graph = runner.definitions().resolve_asset_graph()
    downstream = (dg.AssetSelection.assets(files_key("drug_product")).downstream() - OUTSIDE_BUILDS).resolve(graph)
    assert built == {key.to_user_string() for key in downstream - {files_key("drug_product")}}
    assert {"raw/drug_product", "resource/drug_product", "quarantine/issues"} <= built
    penalty_only = {f"{layer}/penalty" for layer in ("raw", "staging", "resource", "quarantine")}
    assert built & penalty_only == set() and [key for key in built if "vaccination" in key] == []


def test_a_run_landing_several_sources_builds_even_when_one_landed_nothing(landed_penalty, tmp_path):
    """As the UI's "Materialize all" does: Dagster would skip the shared dbt step if any landing asset did not
    materialise, so in such a run each does, saying whether raw had anything of it to take in."""
    new = _drug_csv(tmp_path, "together.csv")
    graph = runner.definitions().resolve_asset_graph()
    downstream = (dg.AssetSelection.assets(files_key("drug_product")).downstream() - OUTSIDE_BUILDS).resolve(graph)
    run = runner.run_job("build_all_job", selection=sorted(downstream | {files_key("penalty")}, key=str),
                         run_config=landing_run_config({"drug_product": [str(new)], "penalty": [str(landed_penalty)]}))
    assert run.success
    assert "warehouse_models" in _steps(run.run_id, dg.DagsterEventType.STEP_START)
    assert {files_key("drug_product"), files_key("penalty"), dg.AssetKey(["raw", "drug_product"])} <= _materialized(
        run.run_id)
    assert landed_in_run(runner.instance(), run.run_id) == {files_key("drug_product")}


def _evaluation(run_id: str, check_name: str) -> dict:
    records = runner.instance().get_records_for_run(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION).records
    [evaluation] = [r.event_log_entry.dagster_event.event_specific_data for r in records
                    if r.event_log_entry.dagster_event.event_specific_data.check_name == check_name]
    return {name: value.value for name, value in evaluation.metadata.items()}


def test_a_later_file_is_verified_by_its_own_batch_in_raw_and_resource(landed_penalty, tmp_path):
    [result], built = land_and_build({"penalty": [str(_penalty_csv(tmp_path, "later.csv"))]}, build=True)
    assert built
    [build] = runner.instance().get_runs(limit=1)
    for layer in ("raw", "resource"):
        verified = _evaluation(build.run_id, f"pandera_{layer}_penalty")
        assert verified["rows_checked"] == 1 and 0 < verified["checked_after_batch"] < result["batch_id"], layer
        assert verified[VERIFIED_THROUGH] == result["batch_id"], layer
    # The mark holds only against what it was verified against: a changed schema or model verifies all again.
    key = check_key("raw", "penalty")
    raw = _evaluation(build.run_id, "pandera_raw_penalty")
    assert verified_through(runner.instance(), key, raw[FINGERPRINT]) == result["batch_id"]
    assert verified_through(runner.instance(), key, "another schema") == 0


def test_a_later_build_verifies_only_the_share_rows_it_wrote(landed_penalty, tmp_path):
    land_and_build({"penalty": [str(_penalty_csv(tmp_path, "later.csv"))]}, build=True)
    [build] = runner.instance().get_runs(limit=1)
    shared = _evaluation(build.run_id, "pandera_share_penalty_info")
    with wh.connect() as conn:
        written, total = conn.execute("select count(*) filter (where _sync_id = %s), count(*)"
                                      " from share.penalty_info", (build.run_id,)).fetchone()
        assert 1 <= written <= shared["rows_checked"] < total
        assert unverified_syncs(conn, "share", "penalty_info", shared[FINGERPRINT]) == []
        assert len(unverified_syncs(conn, "share", "penalty_info", "another schema")) > 1
    # The build's own dbt target directory is gone; its parse state is the next build's start.
    assert not list((DBT_DIR / "target").glob(f"*-{build.run_id[:7]}-*"))
    assert parse_state.state_of(DBT_DIR / "target", wh.connect_info().dbt_env()).exists()


def _dbt_test(model: str, sync_id: str, target) -> subprocess.CompletedProcess:
    env = {**os.environ, **wh.connect_info().dbt_env(), "HUBEI_DATA_SYNC_ID": sync_id}
    return subprocess.run([dbt_resource().dbt_executable, "test", "--select", model, "--project-dir", str(DBT_DIR),
                           "--profiles-dir", str(DBT_DIR), "--target-path", str(target)],
                          env=env, capture_output=True, text=True)


@pytest.mark.parametrize(("model", "table", "written_by_build"), [
    ("shr_penalty_info", "share.penalty_info", "update share.penalty_info set _sync_id = %(sync)s where case_no is null"),
    ("res_penalty", "resource.penalty", "update raw.model_batches set taken_in = %(sync)s"
                                        " where model = 'resource.penalty' and batch_id = %(batch)s"),
])
def test_a_build_tests_the_rows_it_wrote_not_the_history(landed_penalty, tmp_path, model, table, written_by_build):
    """A row broken behind dbt's back after its build is not tested again; the same row written by a build is."""
    sync = f"later-{uuid.uuid4().hex}"
    with wh.connect() as conn:
        case_no, batch, old_sync, old_taken = conn.execute(
            f"select t.case_no, t._batch_id, s._sync_id, l.taken_in from {table} as t"
            " join share.penalty_info as s using (case_no)"
            " join raw.model_batches as l on l.model = 'resource.penalty' and l.batch_id = t._batch_id"
            " order by t._batch_id limit 1").fetchone()
        conn.execute(f"update {table} set case_no = null where case_no = %s", (case_no,))
        conn.commit()
        try:
            assert _dbt_test(model, sync, tmp_path / "target").returncode == 0
            conn.execute(written_by_build, {"sync": sync, "batch": batch})
            conn.commit()
            failed = _dbt_test(model, sync, tmp_path / "target")
            assert failed.returncode != 0 and "not_null_case_no" in failed.stdout
        finally:
            conn.rollback()
            conn.execute(f"update {table} set case_no = %s where case_no is null", (case_no,))
            conn.execute("update share.penalty_info set _sync_id = %s where case_no = %s", (old_sync, case_no))
            conn.execute("update raw.model_batches set taken_in = %s where model = 'resource.penalty'"
                         " and batch_id = %s", (old_taken, batch))
            conn.commit()


def test_a_resource_table_rebuilt_whole_is_verified_whole(landed_penalty, tmp_path):
    folder = tmp_path / "license"
    folder.mkdir()
    (folder / "day.csv").write_text("license_no,license_type,uscc,status,updated_at\n"
                                    f"鄂{uuid.uuid4().hex[:10]},药品经营许可证,91420102MAYLRJ8BMN,有效,2026-01-02\n",
                                    encoding="utf-8")
    land_and_build({"license": [str(folder / "day.csv")]}, build=True)
    [build] = runner.instance().get_runs(limit=1)
    resource = _evaluation(build.run_id, "pandera_resource_license")
    with wh.connect() as conn:
        assert resource["rows_checked"] == conn.execute("select count(*) from resource.license").fetchone()[0]
    assert VERIFIED_THROUGH not in resource


@pytest.fixture
def inspection_system(warehouse):
    """A business system holding one inspection changed on 2026-03-01."""
    with wh.connect(autocommit=True) as conn:
        conn.execute(f"drop schema if exists {SOURCE_SCHEMA} cascade")
        conn.execute(f"create schema {SOURCE_SCHEMA}")
        conn.execute(f"create table {SOURCE_SCHEMA}.inspection (inspection_id text, uscc text, inspected_on date,"
                     " result text, findings integer, updated_at timestamp)")
        conn.execute(f"insert into {SOURCE_SCHEMA}.inspection values ('{uuid.uuid4().hex[:12]}',"
                     " '914201000000000001', '2026-02-27', '符合', 0, '2026-03-01 09:00')")
    yield
    with wh.connect(autocommit=True) as conn:
        conn.execute(f"drop schema {SOURCE_SCHEMA} cascade")


def _extract(day: dt.date) -> dg.ExecuteInProcessResult:
    config = {"resources": {"source_db": {"config": {"source_schema": SOURCE_SCHEMA}}}}
    result = runner.run_job("daily_extract_job", run_config=config, selection=[extract_key("inspection")],
                            partition_key=day.isoformat())
    assert result.success
    return result


def _after_extract(run: dg.ExecuteInProcessResult, status: dg.DagsterRunStatus):
    [sensor] = [s for s in BUILD_AFTER_EXTRACT_SENSORS if s.name.endswith(f"_{status.value.lower()}_sensor")]
    instance = runner.instance()
    dagster_run = instance.get_run_by_id(run.run_id)
    [ended] = [e for e in run.all_events if e.event_type == dg.DagsterEventType.RUN_SUCCESS]
    context = dg.build_run_status_sensor_context(
        sensor_name=sensor.name, dagster_event=ended, dagster_instance=instance, dagster_run=dagster_run,
        resources={"warehouse": WarehouseResource()}, repository_def=runner.definitions().get_repository_def(),
    )
    return sensor(context)


def test_a_daily_extract_whose_days_are_all_unchanged_builds_nothing(inspection_system):
    day = dt.date(2026, 3, 1)
    first = _extract(day)
    assert landed_in_run(runner.instance(), first.run_id) == {extract_key("inspection")}
    request = _after_extract(first, dg.DagsterRunStatus.SUCCESS)
    assert isinstance(request, dg.RunRequest) and request.run_key == first.run_id
    assert {dg.AssetKey(["raw", "inspection"]), dg.AssetKey(["resource", "inspection"])} <= set(request.asset_selection)
    assert extract_key("inspection") not in request.asset_selection
    built = runner.run_job("build_all_job", selection=list(request.asset_selection), tags=request.tags)
    assert built.success

    again = _extract(day)
    assert _steps(again.run_id, dg.DagsterEventType.STEP_START) == {extract_key("inspection").to_python_identifier()}
    assert again.get_asset_materialization_events() == []
    skipped = _after_extract(again, dg.DagsterRunStatus.SUCCESS)
    assert isinstance(skipped, dg.SkipReason) and "landed nothing new" in skipped.skip_message


def test_the_ingest_command_says_it_built_nothing_when_nothing_new_landed(landed_penalty, tmp_path):
    again = invoke(["ingest", str(landed_penalty), "--source", "penalty"])
    assert again.exit_code == 0, again.output
    assert "already loaded" in again.stdout and "nothing new landed: nothing to build" in again.stdout
    assert "built" not in again.stdout

    rejected = tmp_path / "rejected.csv"
    rejected.write_text(f"sample_no\n{uuid.uuid4().hex}\n", encoding="utf-8")
    refused = invoke(["ingest", str(rejected), "--source", "penalty"])
    assert refused.exit_code == 1
    assert "nothing new landed: nothing to build" in refused.stdout and "1 of 1 files rejected" in refused.stderr
