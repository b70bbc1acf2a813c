"""Reading what a report wrote, as a person opening the workbook would see it."""

from pathlib import Path

import openpyxl


def sheet(path: Path, name: str) -> list[tuple]:
    """The values of every row of one sheet, heading first."""
    return list(openpyxl.load_workbook(path)[name].iter_rows(values_only=True))
