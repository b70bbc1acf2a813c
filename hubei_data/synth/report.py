"""What a generation run produced: rows per source and channel, files, and the planted defects."""

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

TRUTH_FILE = "_truth.jsonl"


@dataclass(frozen=True, slots=True)
class Defect:
    """One planted defect, keyed as the platform's quality report will name it.

    `key` is the source's business key standardised (for license, the license_no alone);
    None when the defect blanks the key column itself.
    """

    source: str
    key: str | None
    rule: str
    channel: str


@dataclass(frozen=True)
class GenerationReport:
    """The truth a test of the platform compares its own findings with."""

    rows: dict[str, dict[str, int]]
    files: list[Path]
    defects: list[Defect] = field(repr=False)

    def defects_of(self, source: str) -> list[Defect]:
        return [d for d in self.defects if d.source == source]

    def total_rows(self, source: str) -> int:
        return sum(self.rows.get(source, {}).values())


def write_truth(path: Path, defects: list[Defect]) -> None:
    """One JSON object per defect, in planting order, so equal runs give equal bytes."""
    with path.open("w", encoding="utf-8", newline="\n") as out:
        for defect in defects:
            out.write(json.dumps(asdict(defect), ensure_ascii=False, sort_keys=True) + "\n")


def read_truth(path: Path) -> list[Defect]:
    """The defects a previous run wrote, for tests of the platform that start from files."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [Defect(**json.loads(line)) for line in lines if line]
