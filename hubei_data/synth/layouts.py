"""How each source's landing files are laid out: format, encoding, headers, column order, dates."""

from dataclasses import dataclass

DATE_STYLES = ("iso", "slash", "compact", "chinese", "mixed", "cells")
XLSX_CAP = 10000


@dataclass(frozen=True)
class FileLayout:
    """One landing file of a source.

    `dates` is one of the four agreed text formats (iso 2024-05-01, slash 2024/05/01,
    compact 20240501, chinese 2024年5月1日), `mixed` for all four row by row, or `cells`
    for real XLSX date cells in every other date column. `extra` names a column the
    contract does not have. `share` is the part of the source's file rows it carries.
    """

    format: str
    encoding: str = "utf-8"
    headers: str = "english"
    shuffled: bool = False
    dates: str = "iso"
    extra: str | None = None
    share: float = 1.0

    @property
    def suffix(self) -> str:
        return "xlsx" if self.format == "xlsx" else "csv"


LAYOUTS: dict[str, tuple[FileLayout, ...]] = {
    "drug_product": (
        FileLayout("csv", "utf-8", "english", False, "iso", share=0.4),
        FileLayout("xlsx", headers="chinese", shuffled=True, dates="cells", share=0.2),
        FileLayout("csv", "gbk", "chinese", False, "mixed", extra="备注", share=0.4),
    ),
    "cosmetic_filing": (
        FileLayout("csv", "utf-8-sig", "chinese", False, "slash", share=0.5),
        FileLayout("xlsx", headers="english", dates="chinese", share=0.2),
        FileLayout("csv", "gbk", "english", True, "compact", share=0.3),
    ),
    "device_registration": (
        FileLayout("xlsx", headers="chinese", dates="cells", share=0.4),
        FileLayout("csv", "utf-8", "english", True, "mixed", share=0.6),
    ),
    "sampling": (
        FileLayout("csv", "gbk", "chinese", False, "chinese", share=0.4),
        FileLayout("csv", "utf-8-sig", "english", True, "mixed", share=0.4),
        FileLayout("xlsx", headers="chinese", shuffled=True, dates="cells", share=0.2),
    ),
    # Database sources also arrive by file now and then: one supplementary file each.
    "enterprise": (FileLayout("xlsx", headers="chinese", dates="cells"),),
    "license": (FileLayout("csv", "utf-8-sig", "chinese", True, "mixed"),),
    "inspection": (FileLayout("csv", "gbk", "english", False, "compact"),),
    "penalty": (FileLayout("csv", "utf-8", "chinese", True, "chinese"),),
    "birth_certificate": (FileLayout("xlsx", headers="english", dates="mixed"),),
    "vaccination": (FileLayout("csv", "utf-8-sig", "chinese", True, "mixed"),),
}


def split(total: int, layouts: tuple[FileLayout, ...]) -> list[int]:
    """Rows per file: by share, XLSX files capped (openpyxl is slow), the rest in the last CSV."""
    counts = [int(total * layout.share) for layout in layouts]
    counts = [min(n, XLSX_CAP) if layout.format == "xlsx" else n for n, layout in zip(counts, layouts)]
    last_csv = max(i for i, layout in enumerate(layouts) if layout.format == "csv") if any(
        layout.format == "csv" for layout in layouts
    ) else len(layouts) - 1
    counts[last_csv] += total - sum(counts)
    return counts
