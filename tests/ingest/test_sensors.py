"""The landing file sensor: a run only for files neither loaded nor rejected before, landing exactly those."""

import json
import shutil
import uuid

import dagster as dg
import pytest

from hubei_data import warehouse as wh
from hubei_data.cli.jobs import land_and_build
from hubei_data.ingest.assets import files_key, landing_dir
from hubei_data.ingest.sensors import landing_files_sensor
from hubei_data.resources import WarehouseResource

PENALTY_HEADER = "case_no,uscc,decided_on,fine_yuan,updated_at\n"


def _evaluate(instance, cursor):
    context = dg.build_sensor_context(instance=instance, cursor=cursor, resources={"warehouse": WarehouseResource()})
    return landing_files_sensor(context)


def _penalty_csv(name: str, rows: int = 1):
    tag = uuid.uuid4().hex[:12]
    lines = [f"{tag}-{n},91420102MAYLRJ8BMN,2026-01-02,100,2026-01-02 10:00:00\n" for n in range(rows)]
    path = landing_dir("penalty") / name
    path.write_text(PENALTY_HEADER + "".join(lines), encoding="utf-8")
    return path


def _paths(request: dg.RunRequest) -> list[str]:
    return request.run_config["ops"][files_key(request.tags["hubei_data/source"]).to_python_identifier()]["config"][
        "paths"
    ]


@pytest.fixture
def landed(landing, tmp_path):
    """Files landed through the command line's code path, as `hubei-data demo` and `ingest` land them:
    two penalty files, a link to a third kept elsewhere, and a sampling file rejected for its columns."""
    penalty = [_penalty_csv("p1.csv"), _penalty_csv("p2.csv", rows=2)]
    elsewhere = _penalty_csv("p3.csv").rename(tmp_path / "p3.csv")
    (landing_dir("penalty") / "p3 link.csv").symlink_to(elsewhere)
    rejected = landing_dir("sampling") / "s1.csv"
    rejected.write_text("sample_no\nS1\n", encoding="utf-8")
    linked = str(landing_dir("penalty") / "p3 link.csv")
    results, _ = land_and_build({"penalty": [*map(str, penalty), linked], "sampling": [str(rejected)]}, build=False)
    assert sorted(r["status"] for r in results) == ["loaded", "loaded", "loaded", "rejected"]
    return penalty, rejected


def test_files_landed_or_rejected_through_the_command_line_request_no_run(landed, instance, tmp_path):
    penalty, rejected = landed
    first = _evaluate(instance, None)
    assert first.run_requests == []
    marks = json.loads(first.cursor)
    assert set(marks["penalty"]) == {*map(str, penalty), str(tmp_path / "p3.csv")}
    assert set(marks["sampling"]) == {str(rejected)}


def test_a_new_or_changed_file_requests_one_run_landing_exactly_it(landed, instance):
    (p1, _), _ = landed
    baseline = _evaluate(instance, None)
    new = _penalty_csv("p3.csv")
    result = _evaluate(instance, baseline.cursor)
    [request] = result.run_requests
    assert (request.job_name, _paths(request)) == ("land_penalty_files_job", [str(new)])
    assert _evaluate(instance, baseline.cursor).run_requests[0].run_key == request.run_key
    assert _evaluate(instance, result.cursor).run_requests == []

    with p1.open("a", encoding="utf-8") as handle:
        handle.write("P9,91420102MAYLRJ8BMN,2026-01-03,1,2026-01-03 10:00:00\n")
    [changed] = _evaluate(instance, result.cursor).run_requests
    assert _paths(changed) == [str(p1)] and changed.run_key != request.run_key


def test_a_copy_of_landed_bytes_under_another_name_requests_no_run(landed, instance):
    (p1, _), _ = landed
    baseline = _evaluate(instance, None)
    shutil.copy(p1, landing_dir("penalty") / "p1 copy.csv")
    result = _evaluate(instance, baseline.cursor)
    assert result.run_requests == []
    assert str(landing_dir("penalty") / "p1 copy.csv") in json.loads(result.cursor)["penalty"]


def test_a_quiet_tick_only_lists_the_folders(landed, instance):
    settled = _evaluate(instance, None).cursor
    with wh.connect(autocommit=True) as conn:
        conn.execute("alter table landing.batches rename to batches_hidden")
        try:
            # Without the batch log every file looks new: a tick that consulted it would ask for runs.
            assert _evaluate(instance, None).run_requests
            quiet = _evaluate(instance, settled)
        finally:
            conn.execute("alter table landing.batches_hidden rename to batches")
    assert quiet.run_requests == []
    assert json.loads(quiet.cursor) == json.loads(settled)


def test_the_cursor_holds_only_the_files_present(landed, instance):
    (p1, p2), _ = landed
    baseline = _evaluate(instance, None)
    p2.unlink()
    result = _evaluate(instance, baseline.cursor)
    assert result.run_requests == []
    stat = p1.stat()
    assert json.loads(result.cursor)["penalty"][str(p1)] == [stat.st_size, stat.st_mtime_ns]
    assert str(p2) not in json.loads(result.cursor)["penalty"]


def test_new_files_in_two_folders_request_one_run_per_source(landing, instance):
    baseline = _evaluate(instance, None)
    assert baseline.run_requests == []
    tag = uuid.uuid4().hex
    for folder, name in (("sampling", "s1.csv"), ("sampling", "s2.csv"), ("penalty", "p1.csv")):
        (landing_dir(folder) / name).write_text(f"key\n{tag}-{name}\n", encoding="utf-8")
    result = _evaluate(instance, baseline.cursor)
    by_job = {r.job_name: _paths(r) for r in result.run_requests}
    assert by_job == {
        "land_penalty_files_job": [str(landing_dir("penalty") / "p1.csv")],
        "land_sampling_files_job": [str(landing_dir("sampling") / f"s{n}.csv") for n in (1, 2)],
    }
    assert all(r.run_key for r in result.run_requests)
