"""Landing files cover what docs/sources.md says arrives: encodings, XLSX, headers, date formats, noise."""

import datetime as dt
import re
import unicodedata

import pytest
from conftest import AS_OF
from synth_readback import read_cells

from hubei_data.contracts import SOURCES

DATE_FORMATS = {
    "iso": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
    "slash": re.compile(r"^\d{4}/\d{2}/\d{2}$"),
    "compact": re.compile(r"^\d{8}$"),
    "chinese": re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$"),
}


@pytest.fixture(scope="module")
def files(synth_run) -> dict:
    """Each file's bytes, header and raw cells, keyed by file name."""
    return {path.name: (path, path.read_bytes(), *read_cells(path)) for path in synth_run.report.files}


def test_every_source_has_a_file_named_after_it_and_as_of(synth_run):
    for path in synth_run.report.files:
        assert path.parent == synth_run.out_dir / path.parent.name
        assert re.fullmatch(rf"{path.parent.name}_{AS_OF.isoformat()}_part\d\.(csv|xlsx)", path.name)
    assert {p.parent.name for p in synth_run.report.files} == set(SOURCES)


def test_encodings_and_formats_are_all_there(files):
    csvs = [raw for path, raw, *_ in files.values() if path.suffix == ".csv"]
    assert any(raw.startswith(b"\xef\xbb\xbf") for raw in csvs), "UTF-8 with BOM"
    assert any(not raw.startswith(b"\xef\xbb\xbf") and _decodes(raw, "utf-8") for raw in csvs), "plain UTF-8"
    gbk = [raw for raw in csvs if not _decodes(raw, "utf-8")]
    assert gbk and all(_decodes(raw, "gbk") for raw in gbk), "GBK"
    assert any(path.suffix == ".xlsx" for path, *_ in files.values())


def test_headers_are_english_or_chinese_and_sometimes_shuffled(files):
    languages, shuffled, extras = set(), 0, []
    for path, _, header, _ in files.values():
        contract = SOURCES[path.parent.name]
        english, chinese = [c.name for c in contract.columns], [c.chinese for c in contract.columns]
        known = [h for h in header if h in english or h in chinese]
        extras += [h for h in header if h not in known]
        languages.add("english" if set(known) == set(english) else "chinese" if set(known) == set(chinese) else "?")
        order = english if known[0] in english else chinese
        shuffled += known != order
    assert languages == {"english", "chinese"}
    assert shuffled >= 2
    assert extras == ["备注"]


def test_dates_come_in_all_four_formats_and_as_cells(files):
    seen, cells = set(), 0
    for path, _, header, rows in files.values():
        contract = SOURCES[path.parent.name]
        names = {c.name: c for c in contract.columns} | {c.chinese: c for c in contract.columns}
        dates = [i for i, h in enumerate(header) if h in names and names[h].type == "date"]
        for row in rows:
            for i in dates:
                if isinstance(row[i], dt.datetime):
                    cells += 1
                elif isinstance(row[i], str):
                    text = unicodedata.normalize("NFKC", row[i]).strip()
                    seen |= {name for name, pattern in DATE_FORMATS.items() if pattern.match(text)}
    assert seen == set(DATE_FORMATS)
    assert cells > 100


def test_export_noise_is_present(files):
    texts = [cell for _, _, _, rows in files.values() for row in rows for cell in row if isinstance(cell, str)]
    assert any(re.search("[\uff10-\uff19\uff21-\uff3a]", t) for t in texts), "full-width digits or letters"
    assert any(t.startswith("\u3000") or t.endswith("\u3000") for t in texts), "ideographic spaces"
    assert any(t != t.strip() and t.strip() for t in texts), "surrounding blanks"
    assert any(re.fullmatch(r"91[0-9]{6}[0-9a-z]{10}", t) and re.search("[a-z]", t) for t in texts), "lower-case codes"


def test_the_extra_column_is_kept_and_is_no_defect(synth_run):
    with_extra = [r for records in synth_run.records.values() for r in records if r.extra]
    assert with_extra and all(set(r.extra) == {"备注"} for r in with_extra)
    assert any(r.extra["备注"] for r in with_extra)


def _decodes(raw: bytes, encoding: str) -> bool:
    try:
        raw.decode(encoding)
        return True
    except UnicodeDecodeError:
        return False
