"""An error no command turned into a message still ends in one line, with the traceback in a file."""

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from hubei_data.cli import main

TRACEBACK = re.compile(r"^traceback: (.+\.log)$")


@pytest.mark.parametrize("args", [
    ["sync-log"],
    ["quality", "issues"],
    ["push", "status"],
    ["metrics", "query", "sampling_failure_rate", "--period", "2026-10"],
    ["api", "grants"],
])
@pytest.mark.parametrize(("url", "cause"), [
    ("postgresql://nobody:secret@127.0.0.1:1/hubei_data", "cannot connect to the warehouse at "),
    ("mysql://nobody@127.0.0.1/hubei_data", "HUBEI_DATA_DATABASE_URL must be a postgresql:// URL"),
])
def test_an_unreachable_warehouse_is_one_line_and_a_traceback_file(args, url, cause, use_warehouse, tmp_path,
                                                                     monkeypatch):
    monkeypatch.setenv("HUBEI_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("HUBEI_DATA_API_KEY", "x" * 44)
    use_warehouse(url)
    result = CliRunner().invoke(main, args)
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == 1, result.output
    assert len(lines) == 2, result.stderr
    assert lines[-1].startswith(f"Error: {cause}") and "secret" not in result.stderr
    written = Path(TRACEBACK.match(lines[0]).group(1))
    assert written.parent == tmp_path / "logs"
    assert "Traceback (most recent call last)" in written.read_text() and "WarehouseError" in written.read_text()


def test_a_click_usage_error_stays_a_usage_error():
    result = CliRunner().invoke(main, ["push", "share", "--no-such-option"])
    assert result.exit_code == 2 and "No such option '--no-such-option'" in result.stderr
    assert "traceback:" not in result.stderr
