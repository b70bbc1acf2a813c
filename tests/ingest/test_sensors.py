"""The landing file sensor: one run per changed source folder, never the same files twice."""

import dagster as dg

from hubei_data.ingest.assets import landing_dir
from hubei_data.ingest.sensors import landing_files_sensor


def _evaluate(instance, cursor):
    context = dg.build_sensor_context(instance=instance, cursor=cursor)
    return landing_files_sensor(context)


def test_new_and_changed_files_request_one_run_per_source(warehouse, tmp_path):
    instance = dg.DagsterInstance.ephemeral()
    first = _evaluate(instance, None)
    for folder in ("sampling", "penalty"):
        for p in landing_dir(folder).iterdir():
            p.unlink()
    baseline = _evaluate(instance, first.cursor)
    assert baseline.run_requests == []

    (landing_dir("sampling") / "s1.csv").write_text("sample_no\nS1\n", encoding="utf-8")
    (landing_dir("sampling") / "s2.csv").write_text("sample_no\nS2\n", encoding="utf-8")
    (landing_dir("penalty") / "p1.csv").write_text("case_no\nP1\n", encoding="utf-8")
    result = _evaluate(instance, baseline.cursor)
    assert sorted(r.job_name for r in result.run_requests) == ["land_penalty_files_job", "land_sampling_files_job"]
    assert all(r.run_key for r in result.run_requests)

    assert _evaluate(instance, result.cursor).run_requests == []

    (landing_dir("sampling") / "s1.csv").write_text("sample_no\nS1\nS3\n", encoding="utf-8")
    changed = _evaluate(instance, result.cursor)
    assert [r.job_name for r in changed.run_requests] == ["land_sampling_files_job"]
    assert changed.run_requests[0].run_key not in {r.run_key for r in result.run_requests}
