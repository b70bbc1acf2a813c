"""The benchmark runs end to end at its quick size: every stage measured, the table and chart written.

A smoke test only: the ratios are the benchmark's to report (docs/benchmarks.md), never a pass or fail here.
"""

import os
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).parents[1] / "bench" / "scale.py"


def test_the_quick_benchmark_measures_every_stage_and_writes_its_page(tmp_path):
    done = subprocess.run([sys.executable, str(BENCH), "--quick", "--output", str(tmp_path / "docs")],
                          env={**os.environ, "HUBEI_DATA_DIR": str(tmp_path / "data")},
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    page = (tmp_path / "docs" / "benchmarks.md").read_text(encoding="utf-8")
    stages = ["landing CSV utf-8", "landing CSV utf-8 with BOM", "landing CSV gbk", "landing XLSX", "ingest command",
              "Dagster run of a full build",
              "Dagster run, nothing new", "full build", "day's build, 1% of rows",
              "push, first load", "push, all rows changed"]
    measured = [line.split(" | ")[0].removeprefix("| ") for line in page.splitlines() if line.startswith("| ")][1:]
    assert measured == stages
    assert (tmp_path / "docs" / "benchmarks.png").read_bytes().startswith(b"\x89PNG")


def test_one_stage_runs_alone_on_a_new_data_directory(tmp_path):
    """Landing records what a file's header says about its contract, in the warehouse's own tables: the benchmark
    makes them even when no stage it runs ingests."""
    done = subprocess.run([sys.executable, str(BENCH), "--quick", "--stages", "landing", "--output",
                           str(tmp_path / "docs")], env={**os.environ, "HUBEI_DATA_DIR": str(tmp_path / "data")},
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    page = (tmp_path / "docs" / "benchmarks.md").read_text(encoding="utf-8")
    assert "| landing CSV gbk | 2,000 |" in page
