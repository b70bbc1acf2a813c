"""The interface document (对接规则及对接数据项), docs/sources.md, written from the contracts.

A source system's developer reads it to write a landing file or a table the platform
accepts; being generated, it cannot drift from what the platform checks.
"""

from hubei_data.contracts.model import DATE_FORMATS, TYPES, Column, Source
from hubei_data.contracts.sources import OWNERS, SOURCES
from hubei_data.contracts.standards import DIVISIONS_CSV

PATH = "docs/sources.md"
CHANNELS = {"database": "source database", "file": "landing file"}
DATABASE_SOURCES = ", ".join(f"`{s.name}`" for s in SOURCES.values() if s.watermark)

TYPE_RULES = "\n".join(
    f"  - `{kind}_format`: a value in a column of type {kind} is {words}." for kind, words in TYPES.items() if kind != "text"
)

INTRODUCTION = f"""\
<!-- Generated from hubei_data/contracts by `hubei-data contracts generate`; do not edit. -->
# Source interface (对接规则及对接数据项)

This is the agreed interface between the platform and the systems that feed it. The
platform accepts exactly these layouts; anything a source sends that does not fit is kept
in raw (原始库), flagged with the rule it breaks and why, and never silently dropped or
"fixed" in place. The layouts are declared once, in `registry/sources/` (one file each);
this document, the landing tables, the dbt models and the pandera checks are all made from
that declaration.

## How data arrives

| channel | what | how the platform picks it up |
|---|---|---|
| landing files | CSV in UTF-8, UTF-8 with BOM, or GBK/GB18030; XLSX (first sheet, header in row 1) | a file dropped in `<data dir>/landing/<source>/` (or given to `hubei-data ingest`) is landed once: the same bytes (same SHA-256) dropped again are not loaded twice |
| source databases | a table named after the source (e.g. `enterprise`) in a business system's database, read through SQLAlchemy | incremental by the `updated_at` watermark, one daily partition (an `updated_at` day, Asia/Shanghai) per run; a day whose rows did not change lands nothing |

Every source can arrive as landing files. The sources with an `updated_at` column
({DATABASE_SOURCES}) are also read from their business system's database. The system
named beside each source below is the one it usually comes from, and the channel it
usually arrives through.

## General rules

- **Headers.** A file's header row, or a table's column names, may use the English column
  name or the Chinese 列名 below, in any order. Extra columns are kept in raw (`_extra`) and
  reported with the batch and to the source's owner as a schema drift finding (元数据漂移,
  `hubei-data drift list`); a missing optional column is empty in every row.
- **Rejected files.** A file that cannot be read (not CSV or XLSX, an encoding other than
  those above, no header) or that lacks a required column is rejected as a whole, with one
  message naming the file and the reason, recorded in `landing.batches` (a missing required
  column also as a breaking drift finding); none of its rows is kept. A day's extract of a
  table without a required column, or from a system whose table is gone, lands nothing and
  fails naming the reason, also as a breaking drift finding; a column retyped or resized in
  the table is a finding while its values still land.
- **Standardised before checked.** Full-width digits and letters (０-９, Ａ-Ｚ), ideographic
  spaces and surrounding blanks occur in real exports. Every value is standardised (Unicode
  NFKC, trimmed; a blank value is empty) and the columns of type `code` are also
  upper-cased, before any rule is checked. A value that is valid once standardised is not a
  defect.
- **Dates** arrive as {DATE_FORMATS}, and in XLSX also as date cells.
- **Rules and quality reports.** Every rule has a name. A row that breaks one or more rules
  goes to quarantine (`quarantine.<source>`) with all of them, and `quarantine.issues` (also
  `hubei-data quality issues`) lists one line per row and rule: source, business key, rule
  name, detail, batch, file and row. Clean rows go to the resource library
  (`resource.<source>`), which keeps the latest version of each business key (by
  `updated_at` when the source has it, else the latest batch).
- **Rules of every source.** An empty value breaks no rule but `required`, `required_when`
  and `one_of_required`.
  - `required`: a required column has a value.
{TYPE_RULES}
  - `unique`: a business key occurs at most once in one batch (one file or one extract
    window); a later batch may send a new version of it.
  - `row_format`: a file row has as many fields as the header, no more and no fewer.
"""

DIVISIONS = """
## Hubei division codes (GB/T 2260)
Rule `hubei_division`: a code is valid when it lies inside Hubei (42xxxx) and the platform's
shipped code list has it: prefecture and county level, in `dbt_project/seeds/hubei_divisions.csv`
(the table `reference.hubei_divisions`). A code outside Hubei, or not in the list, is
invalid. The province and its prefecture-level divisions:
"""


def render() -> str:
    """The whole document."""
    parts = [INTRODUCTION]
    for owner, title in OWNERS.items():
        parts.append(f"\n## {title} ({owner}) sources\n")
        parts.extend(_source(s) for s in SOURCES.values() if s.owner == owner)
    parts.append(DIVISIONS + _divisions())
    return "".join(parts)


def _source(source: Source) -> str:
    key = " + ".join(f"`{k}`" for k in source.key)
    ways = [f"files in `<data dir>/landing/{source.name}/`"]
    if source.watermark:
        ways.append(f"the table `{source.name}`, read by `{source.watermark}`")
    if source.channel == "database":
        ways.reverse()
    summary = (
        f"From {source.system} ({source.system_english}), usually as a {CHANNELS[source.channel]}: "
        f"{', or '.join(ways)}. Business key: {key}.\n"
    )
    lines = [
        f"\n### {source.name} — {source.chinese}\n",
        summary,
        "| column | 列名 | type | required | rules (name: meaning) |",
        "|---|---|---|---|---|",
        *(_row(source, c) for c in source.columns),
    ]
    if source.one_of_required:
        named = " or ".join(f"`{n}`" for n in source.one_of_required)
        lines.append(f"\nRow rule `one_of_required`: {named} is required; at least one of them has a value.")
    return "\n".join(lines) + "\n"


def _row(source: Source, column: Column) -> str:
    kind = column.type + (f"({column.length})" if column.length else "")
    if column.code:
        kind += ", code"
    required = "yes" if column.required else ""
    rules = [f"`{rule.name}`: {rule.words}" for rule in column.rules]
    if source.key == (column.name,):
        rules.append("`unique`: once per batch (business key)")
    elif column.name in source.key:
        others = " and ".join(k for k in source.key if k != column.name)
        rules.append(f"`unique`: once per batch together with {others} (business key)")
    cells = [column.name, column.chinese, kind, required, "<br>".join(rules)]
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


def _divisions() -> str:
    rows = [line.split(",") for line in DIVISIONS_CSV.read_text(encoding="utf-8").splitlines()[1:] if line]
    upper = [f"{code} {name}" for code, name, level, _ in rows if level in ("province", "prefecture")]
    return "; ".join(upper) + ".\n"
