"""Importing one of the three lists from the XLSX layout agencies exchange: one row per entry under Chinese headings,
checked whole against the registry and the catalog, then written as the list's registry file with its next version.

A bad workbook changes nothing: the one error names the row and the column to fix."""

import datetime as dt
import re
from pathlib import Path

import yaml

from hubei_data import registry
from hubei_data.governance import lists
from hubei_data.ingest.errors import UnreadableFile
from hubei_data.ingest.workbook import read_xlsx
from hubei_data.registry.lists import LISTS
from hubei_data.reports.writing import write_whole

# Each list's columns: the Chinese heading, the entry's field it fills, and whether it holds several values.
CODE = "编码"
COLUMNS = {
    "responsibilities": (("清单编码", CODE, False), ("数据名称", "name", False), ("责任处室", "office", False),
                         ("目录编码", "catalog", True), ("信息项", "items", True), ("更新周期", "cycle", False)),
    "demands": (("需求编码", CODE, False), ("需求部门", "department", False), ("需求内容", "asks", False),
                ("目录编码", "catalog", True), ("满足方式", "met_kind", False), ("满足对象", "met_by", True),
                ("书面答复", "answer", False)),
    "negative": (("清单编码", CODE, False), ("数据项名称", "name", False), ("数据项", "item", False),
                 ("数据元", "element", False), ("法律依据", "legal_basis", False), ("责任处室", "office", False)),
}
# 满足方式 in the workbook → what meets a demand in the registry.
MET_KINDS = {"共享数据集": "dataset", "数据接口": "api", "数据订阅": "subscription"}
# Several values in one cell are separated by any of these.
SEPARATORS = r"[、,，;；\s]+"


def import_list(kind: str, workbook: Path) -> tuple[Path, int, int]:
    """Replace a list's registry file by the workbook's entries; the file written, its version and how many entries.
    A RegistryError names the workbook, the row and the column of the first thing wrong, and nothing is written."""
    declared = registry.load()
    rows, document = _read(kind, workbook)
    target = declared.root / LISTS[kind].path
    document = {"version": declared.lists[kind].version + 1, "imported_from": workbook.name,
                "imported_on": dt.date.today(), "entries": document}
    try:
        lists.replaced(declared, kind, document)
    except registry.RegistryError as error:
        raise _at_row(kind, workbook, rows, error) from None
    header = (f"# {LISTS[kind].chinese}: written by `hubei-data lists import {kind}` from {workbook.name};"
              f" `git log -p` on this file gives every earlier version.\n")
    text = header + yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=120)
    write_whole({target: text.encode("utf-8")})
    return target, document["version"], len(document["entries"])


def _read(kind: str, workbook: Path) -> tuple[dict[str, int], dict]:
    """Each entry by its code from the workbook's first sheet, and the row each came from."""
    columns = COLUMNS[kind]
    try:
        with read_xlsx(workbook) as (header, numbered):
            positions = _headings(kind, workbook, header)
            entries, rows = {}, {}
            for number, values in numbered:
                cells = {field: values[positions[heading]] if positions[heading] < len(values) else None
                         for heading, field, _ in columns}
                code = cells.pop(CODE)
                if code is None:
                    raise _error(workbook, number, columns[0][0], "every row needs its code")
                if code in entries:
                    raise _error(workbook, number, columns[0][0], f"{code} is already on row {rows[code]}")
                rows[code] = number
                entries[code] = _entry(kind, workbook, number, cells)
    except UnreadableFile as error:
        raise registry.RegistryError(workbook, None, None, str(error)) from None
    return rows, entries


def _headings(kind: str, workbook: Path, header: list) -> dict[str, int]:
    expected = [heading for heading, _, _ in COLUMNS[kind]]
    found = [str(cell).strip() if cell is not None else None for cell in header]
    missing = [heading for heading in expected if heading not in found]
    strangers = [cell for cell in found if cell is not None and cell not in expected]
    if missing or strangers:
        reason = "; ".join(part for part in (missing and f"missing column {', '.join(missing)}",
                                             strangers and f"unknown column {', '.join(strangers)}") if part)
        raise registry.RegistryError(workbook, "row 1", None, f"{reason} (a {LISTS[kind].chinese} has the columns"
                                                              f" {', '.join(expected)})")
    return {heading: found.index(heading) for heading in expected}


def _entry(kind: str, workbook: Path, number: int, cells: dict) -> dict:
    several = {field for _, field, many in COLUMNS[kind] if many}
    entry = {field: [part for part in re.split(SEPARATORS, value) if part] if field in several else value.strip()
             for field, value in cells.items() if value is not None and value.strip()}
    if kind == "demands":
        met_kind = entry.pop("met_kind", None)
        names = entry.pop("met_by", [])
        if names and met_kind not in MET_KINDS:
            raise _error(workbook, number, "满足方式", f"{met_kind!r} is not one of {', '.join(MET_KINDS)}")
        if names:
            entry["met_by"] = [{"kind": MET_KINDS[met_kind], "name": name} for name in names]
    return entry


def _at_row(kind: str, workbook: Path, rows: dict[str, int], error: registry.RegistryError) -> registry.RegistryError:
    """A registry error about one entry, told as the row and column of the workbook it came from."""
    label = f"{LISTS[kind].label} "
    code = error.entry.removeprefix(label) if error.entry and error.entry.startswith(label) else None
    if code not in rows:
        return registry.RegistryError(workbook, None, None, str(error))
    field = (error.field or "").split(".")[0].split("[")[0]
    if field == "met_by" and (error.field or "").endswith("kind"):
        field = "met_kind"
    heading = next((heading for heading, each, _ in COLUMNS[kind] if each == field), None)
    return _error(workbook, rows[code], heading, f"{error.entry}: {error.reason}")


def _error(workbook: Path, row: int, heading: str | None, reason: str) -> registry.RegistryError:
    return registry.RegistryError(workbook, f"row {row}", heading and f"column {heading}", reason)
