"""A file that cannot be read, whatever the reason, is rejected in one line and never stops the files beside it."""

import io
import re
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import openpyxl
import pytest

from hubei_data import runner
from hubei_data import warehouse as wh
from hubei_data.cli.jobs import land_and_build
from hubei_data.ingest.assets import files_key, landing_dir
from hubei_data.ingest.sensors import landing_files_sensor
from hubei_data.resources import WarehouseResource

HEADER = ["case_no", "uscc", "decided_on", "fine_yuan", "updated_at"]
SHEET = "xl/worksheets/sheet1.xml"


def _row(tag: str) -> list[str]:
    return [f"鄂药监罚〔2026〕{tag}号", "91420102MAYLRJ8BMN", "2026-01-02", "1000", "2026-01-02 10:00:00"]


def _csv(tag: str) -> bytes:
    return (",".join(HEADER) + "\n" + ",".join(_row(tag)) + "\n").encode()


def _xlsx(tag: str, *cells: tuple[str, str]) -> bytes:
    book = openpyxl.Workbook()
    book.active.append(HEADER)
    book.active.append(_row(tag))
    for where, value in cells:
        book.active[where] = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _rezip(data: bytes, change) -> bytes:
    """The archive with each member's content passed through change(name, content); None drops it."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            content = change(name, source.read(name))
            if content is not None:
                target.writestr(name, content)
    return out.getvalue()


def _truncated(tag: str) -> bytes:
    return _xlsx(tag)[:-400]


def _corrupt(tag: str) -> bytes:
    data = bytearray(_xlsx(tag))
    start = data.index(SHEET.encode()) + len(SHEET)
    data[start + 40 : start + 140] = b"\xff" * 100
    return bytes(data)


def _without_workbook(tag: str) -> bytes:
    return _rezip(_xlsx(tag), lambda name, content: None if name.startswith(("xl/", "_rels/")) else content)


def _sheet_cut_off(tag: str) -> bytes:
    return _rezip(_xlsx(tag), lambda name, content: content[: len(content) // 2] if name == SHEET else content)


def _encrypted(tag: str) -> bytes:
    """What Office writes for a password-protected workbook: a compound file, not a zip archive."""
    return bytes.fromhex("d0cf11e0a1b11ae1") + tag.encode() * 64


def _without_sheets(tag: str) -> bytes:
    sheets = re.compile(rb"<sheets>.*</sheets>")
    return _rezip(
        _xlsx(tag), lambda name, content: sheets.sub(b"<sheets/>", content) if name == "xl/workbook.xml" else content
    )


def _empty_sheet(tag: str) -> bytes:
    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    return buffer.getvalue()


def _nothing_in_row_1(tag: str) -> bytes:
    return _xlsx(tag, *((f"{column}{row}", None) for column in "ABCDE" for row in (1, 2)), ("A3", tag))


def _far_corner(tag: str) -> bytes:
    """A 5 KB workbook whose used range, from A1 to XFD1048576, is 17 billion cells."""
    return _xlsx(tag, ("XFD1048576", "x"))


def _html(tag: str) -> bytes:
    return f"<html><body><table><tr><td>{tag}</td></tr></table></body></html>".encode()


def _gone(path):
    path.unlink()


def _made_a_folder(path):
    path.unlink()
    path.mkdir()


@dataclass(frozen=True)
class Variant:
    """One way a file cannot be read: its suffix, its bytes, what the reason says, what befalls it once listed."""

    suffix: str
    make: Callable[[str], bytes]
    reason: str
    after_listing: Callable[[Path], None] = lambda path: None


VARIANTS = {
    "truncated zip": Variant(".xlsx", _truncated, "zip archive is damaged or cut off"),
    "corrupt zip": Variant(".xlsx", _corrupt, "not a readable XLSX workbook"),
    "zip without a workbook": Variant(".xlsx", _without_workbook, "not a readable XLSX workbook"),
    "sheet XML cut off": Variant(".xlsx", _sheet_cut_off, "XML is damaged or cut off"),
    "encrypted workbook": Variant(".xlsx", _encrypted, "encrypted (password-protected)"),
    "workbook without sheets": Variant(".xlsx", _without_sheets, "the workbook has no sheet"),
    "empty sheet": Variant(".xlsx", _empty_sheet, "no header in row 1"),
    "nothing in row 1": Variant(".xlsx", _nothing_in_row_1, "no header in row 1"),
    "cell at the sheet's far corner": Variant(".xlsx", _far_corner, "the reader stopped"),
    "CSV named .xlsx": Variant(".xlsx", _csv, "not a zip archive"),
    "HTML named .xlsx": Variant(".xlsx", _html, "not a zip archive"),
    "empty .xlsx": Variant(".xlsx", lambda tag: b"", "the file is empty"),
    "empty .csv": Variant(".csv", lambda tag: b"", "the file is empty"),
    "CSV with undecodable bytes": Variant(".csv", lambda tag: _csv(tag) + b"\xff\xfe\x81\xff", "unknown text encoding"),
    "CSV with a NUL character": Variant(".csv", lambda tag: _csv(tag).replace(b"1000", b"10\x0000"), "0x00"),
    "CSV field over the csv module's limit": Variant(
        ".csv", lambda tag: _csv(tag) + b'"' + b"x" * 200_000 + b'"\n', "not readable as CSV"
    ),
    "another format": Variant(".json", lambda tag: b'{"tag": "%s"}' % tag.encode(), "not a CSV or XLSX file"),
    "file gone after listing": Variant(".csv", _csv, "cannot be read: No such file or directory", _gone),
    "folder in its place after listing": Variant(".csv", _csv, "not a regular file", _made_a_folder),
}


def _three_files(folder, variant: Variant) -> list[Path]:
    """A good CSV, the bad file and a good XLSX, in that order, the good ones with bytes of their own."""
    tag = uuid.uuid4().hex[:12]
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{tag}_a_good.csv", folder / f"{tag}_b_bad{variant.suffix}", folder / f"{tag}_c_good.xlsx"]
    paths[0].write_bytes(_csv(tag + "a"))
    paths[1].write_bytes(variant.make(tag + "b"))
    paths[2].write_bytes(_xlsx(tag + "c"))
    return paths


def _assert_rejected_alone(results: list[dict], paths: list[Path], variant: Variant) -> None:
    by_file = {r["path"]: r for r in results}
    origins = [str(p.resolve()) for p in paths]
    assert [by_file[o]["status"] for o in origins] == ["loaded", "rejected", "loaded"]
    reason = by_file[origins[1]]["reason"]
    assert variant.reason in reason and "\n" not in reason and "Traceback" not in reason
    with wh.connect() as conn:
        logged = conn.execute("select status, reason from landing.batches where origin = %s", (origins[1],)).fetchall()
        rows = conn.execute(
            "select batches.origin, count(*) from landing.penalty"
            " join landing.batches on batches.batch_id = penalty._batch_id"
            " where batches.origin = any(%s) group by batches.origin",
            (origins,),
        ).fetchall()
    assert logged == [("rejected", reason)]
    assert dict(rows) == {origins[0]: 1, origins[2]: 1}


@pytest.mark.parametrize("variant", VARIANTS.values(), ids=VARIANTS)
def test_the_ingest_command_rejects_an_unreadable_file_and_lands_the_others(tmp_path, warehouse, variant):
    paths = _three_files(tmp_path / "penalty", variant)
    listed = [str(p.resolve()) for p in paths]
    variant.after_listing(paths[1])
    results, _ = land_and_build({"penalty": listed}, build=False)
    _assert_rejected_alone(results, paths, variant)


@pytest.mark.parametrize("variant", VARIANTS.values(), ids=VARIANTS)
def test_the_file_sensor_rejects_an_unreadable_file_and_lands_the_others(landing, instance, variant):
    paths = _three_files(landing_dir("penalty"), variant)
    resources = {"warehouse": WarehouseResource()}
    tick = landing_files_sensor(dg.build_sensor_context(instance=instance, resources=resources))
    [request] = tick.run_requests
    variant.after_listing(paths[1])
    job = runner.definitions().resolve_job_def(request.job_name)
    run = job.execute_in_process(run_config=request.run_config, instance=instance, asset_selection=[files_key("penalty")])
    [materialisation] = run.asset_materializations_for_node(files_key("penalty").to_python_identifier())
    _assert_rejected_alone(materialisation.metadata["files"].data, paths, variant)
    for cursor in (tick.cursor, None):
        again = landing_files_sensor(dg.build_sensor_context(instance=instance, cursor=cursor, resources=resources))
        assert again.run_requests == []
