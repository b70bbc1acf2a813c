"""End to end through the command line, as a newcomer runs it, on the real embedded PostgreSQL."""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from hubei_data import warehouse as wh
from hubei_data.contracts import SOURCES

pytestmark = pytest.mark.slow
CLI = [str(Path(sys.executable).parent / "hubei-data")]
LAYERS = ("raw", "resource", "quarantine")


def run(*args, check=True):
    result = subprocess.run([*CLI, *args], capture_output=True, text=True, env=os.environ.copy())
    if check and result.returncode != 0:
        raise AssertionError(f"{args} exited {result.returncode}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result


def counts() -> dict[str, int]:
    with wh.connect() as conn:
        return {
            f"{layer}.{s}": conn.execute(f"select count(*) from {layer}.{s}").fetchone()[0]
            for layer in LAYERS
            for s in SOURCES
        }


def flagged() -> set[tuple]:
    lines = run("quality", "issues").stdout.splitlines()
    return {(d["source"], d["key"], d["rule"]) for d in map(json.loads, lines)}


@pytest.fixture(scope="module")
def demo(warehouse):
    """A data directory of its own: other tests leave landed rows and files in the shared one."""
    shared = os.environ[wh.DIR_VARIABLE]
    os.environ[wh.DIR_VARIABLE] = tempfile.mkdtemp(prefix="hde")
    wh.connect_info.cache_clear()
    try:
        result = run("demo", "--as-of", "2026-10-31")
        yield result, counts()
    finally:
        os.environ[wh.DIR_VARIABLE] = shared
        wh.connect_info.cache_clear()


def test_demo_prints_the_summary(demo):
    result, _ = demo
    assert "Rows per library" in result.stdout and "Flagged rows per rule" in result.stdout
    assert "hubei-data quality issues" in result.stdout


def test_every_known_defect_is_flagged_and_no_clean_row_is(demo):
    truth_file = wh.data_dir() / "landing" / "_truth.jsonl"
    truth = {(d["source"], d["key"], d["rule"]) for d in map(json.loads, truth_file.read_text().splitlines())}
    assert len(truth) > 100
    assert flagged() == truth


def test_every_clean_row_reaches_resource(demo):
    with wh.connect() as conn:
        for s in SOURCES.values():
            key = " and ".join(f"r.{k} is not distinct from s.{k}" for k in s.key)
            lost = conn.execute(
                f"select count(*) from staging.{s.name} s where jsonb_array_length(s._issues) = 0"
                f" and not exists (select 1 from resource.{s.name} r where {key})"
            ).fetchone()[0]
            assert lost == 0, s.name
            assert conn.execute(f"select count(*) from resource.{s.name}").fetchone()[0] > 0


def test_issues_are_traceable_to_file_and_row(demo):
    lines = [json.loads(line) for line in run("quality", "issues", "--source", "sampling").stdout.splitlines()]
    assert lines and {d["source"] for d in lines} == {"sampling"}
    for issue in lines:
        assert set(issue) == {"source", "key", "rule", "detail", "batch_id", "file", "row"}
        assert Path(issue["file"]).exists() and issue["row"] >= 2


def test_running_the_demo_again_changes_no_row_count(demo):
    _, before = demo
    run("demo", "--as-of", "2026-10-31")
    assert counts() == before


def test_the_same_file_again_is_not_loaded_twice(demo):
    _, before = demo
    existing = sorted((wh.data_dir() / "landing" / "drug_product").iterdir())[0]
    result = run("ingest", str(existing))
    assert "already loaded as batch" in result.stdout
    assert counts() == before


def test_an_unreadable_file_is_rejected_with_its_reason(demo, tmp_path):
    bad = tmp_path / "penalty" / "broken.csv"
    bad.parent.mkdir()
    bad.write_bytes(b"fine_yuan\n1\n")
    result = run("ingest", str(bad), check=False)
    assert result.returncode == 1
    assert f"{bad}: rejected: missing required columns" in result.stdout


def test_new_rows_in_a_file_flow_to_resource_and_bad_ones_to_quarantine(demo, tmp_path):
    folder = tmp_path / "penalty"
    folder.mkdir()
    (folder / "extra.csv").write_text(
        "处罚决定书文号,当事人统一社会信用代码,罚款金额(元),更新时间\n"
        "鄂药监罚〔2026〕901号,91420100MA4K12345K,500,2026-10-30 10:00:00\n"
        "鄂药监罚〔2026〕902号,91420100MA4K12345K,-5,2026-10-30 10:00:00\n",
        encoding="gbk",
    )
    run("ingest", str(folder / "extra.csv"))
    assert ("penalty", "鄂药监罚〔2026〕902号", "range") in flagged()
    rows = run("query", "select case_no from resource.penalty where case_no like '%〔2026〕90_号'",
               "--format", "json").stdout.splitlines()
    assert [json.loads(r)["case_no"] for r in rows] == ["鄂药监罚〔2026〕901号"]


def test_query_is_read_only(demo):
    result = run("query", "delete from raw.enterprise", check=False)
    assert result.returncode == 1 and "read-only" in result.stderr
    assert counts()["raw.enterprise"] > 0
