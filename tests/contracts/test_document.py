"""The interface document (docs/sources.md) is what the contracts generate, and says all they say."""

import re
from pathlib import Path

import pytest

from hubei_data.contracts import SOURCES, document
from hubei_data.contracts.model import TYPES, OneOf, Pattern
from hubei_data.contracts.standards import hubei_divisions
from hubei_data.transform import sql_rules

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def text() -> str:
    return document.render()


def _section(text: str, source: str) -> str:
    start = text.index(f"\n### {source} — ")
    end = text.find("\n## ", start)
    following = text.find("\n### ", start + 1)
    ends = [i for i in (end, following) if i != -1]
    return text[start:min(ends)] if ends else text[start:]


def test_the_committed_document_equals_what_the_contracts_generate(text):
    committed = (ROOT / document.PATH).read_text(encoding="utf-8")
    assert committed == text, "run `hubei-data contracts generate` and commit docs/sources.md"


@pytest.mark.parametrize("name", list(SOURCES))
def test_each_source_lists_every_column_with_its_header_type_requirement_and_rules(text, name):
    source = SOURCES[name]
    section = _section(text, name)
    assert source.chinese in section and source.system in section and source.system_english in section
    assert "Business key: " + " + ".join(f"`{k}`" for k in source.key) in section
    rows = {line.split(" | ")[0].lstrip("| "): line for line in section.splitlines() if line.startswith("| ")}
    for column in source.columns:
        row = rows[column.name]
        cells = [cell.strip() for cell in row.strip("|").split(" | ")]
        assert cells[1] == column.chinese
        assert cells[2].startswith(column.type)
        assert cells[3] == ("yes" if column.required else "")
        for rule in column.rules:
            assert f"`{rule.name}`: {rule.words}".replace("|", "\\|") in row
            if isinstance(rule, OneOf):
                assert all(value in row for value in rule.values)
            if isinstance(rule, Pattern):
                assert rule.shape in row
        if column.name in source.key:
            assert "`unique`: once per batch" in row
    for column in source.one_of_required:
        assert f"`{column}`" in section.split("`one_of_required`")[1]


def test_every_rule_name_quality_reports_use_is_explained(text):
    """Each rule name a staging model can report, and each type format, is in the document."""
    reported = set()
    for source in SOURCES.values():
        for column in source.columns:
            reported |= {check.rule for check in sql_rules.column_checks(source, column)}
        reported |= {check.rule for check in sql_rules.row_checks(source)}
    explained = set(re.findall(r"`([a-z_]+)`:", text))
    assert reported <= explained, reported - explained
    for kind, words in TYPES.items():
        if kind != "text":
            assert f"`{kind}_format`: a value in a column of type {kind} is {words}." in text


def test_the_general_rules_name_the_accepted_files_and_the_prefecture_codes(text):
    for phrase in ("UTF-8 with BOM", "GBK/GB18030", "XLSX (first sheet, header in row 1)", "SHA-256",
                   "NFKC", "`updated_at` watermark", "Extra columns are kept", "in any order"):
        assert phrase in text
    divisions = text[text.index("## Hubei division codes"):]
    for code in ("420100 武汉市", "422800 恩施土家族苗族自治州", "429021 神农架林区"):
        assert code in divisions
    assert {c[:6] for c in re.findall(r"\b4[0-9]{5}\b", divisions)} <= hubei_divisions()


def test_a_pipe_in_a_pattern_does_not_break_its_table_row(text):
    row = next(line for line in _section(text, "cosmetic_filing").splitlines() if line.startswith("| filing_no "))
    assert len(re.split(r"(?<!\\)\|", row)) == 7
