"""Errors about the source name the option only when it was not given, and name it when it was."""

import pytest

from hubei_data.contracts import SOURCES
from tests.people import invoke


@pytest.mark.parametrize("given", ["nonsense", "Enterprise", "licence", "bureau:penalty"])
def test_an_unknown_source_given_with_the_option_is_refused_by_the_option(given, tmp_path):
    data = tmp_path / "enterprise" / "a.csv"
    data.parent.mkdir()
    data.write_text("uscc\n")
    result = invoke(["ingest", str(data), "--source", given])
    assert result.exit_code == 2
    assert f"Invalid value for '--source': '{given}' is not one of" in result.stderr
    assert "name it with --source" not in result.stderr and "name the source with --source" not in result.stderr


@pytest.mark.parametrize("folder", ["downloads", "exports_2026", "Enterprise"])
def test_a_folder_that_is_no_source_asks_for_the_option(folder, tmp_path):
    data = tmp_path / folder / "a.csv"
    data.parent.mkdir()
    data.write_text("uscc\n")
    result = invoke(["ingest", str(data)])
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"Error: {data}: its folder '{folder}' is not a source; name the source with --source ({', '.join(SOURCES)})"
    )
