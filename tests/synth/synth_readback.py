"""Read generated files and tables back and judge them by the contract, independently of the generator."""

import csv
import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import openpyxl
from psycopg import sql

from hubei_data.contracts import SOURCES, Source
from hubei_data.contracts.model import (
    After,
    Between,
    BirthDateMatchesId,
    ExistsIn,
    HubeiDivision,
    NotFuture,
    OneOf,
    Pattern,
    RequiredWhen,
    ResidentId,
    Uscc,
)
from hubei_data.contracts.standards import (
    hubei_division_valid,
    parse_date,
    parse_timestamp,
    resident_id_birth_date,
    resident_id_valid,
    standardise,
    uscc_valid,
)

_INTEGER = re.compile(r"^-?[0-9]+$")
_DECIMAL = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")


@dataclass
class Record:
    """One row as the platform would see it: standardised, typed, with its origin."""

    source: str
    channel: str
    origin: str
    values: dict
    problems: dict[str, str]
    extra: dict


def read_cells(path: Path) -> tuple[list[str], list[list]]:
    """Header and raw cells of a landing file, decoding as docs/sources.md allows."""
    if path.suffix == ".xlsx":
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        rows = [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
        book.close()
        return [str(h) for h in rows[0]], rows[1:]
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    rows = list(csv.reader(text.splitlines()))
    return rows[0], rows[1:]


def file_records(source: Source, path: Path) -> list[Record]:
    header, rows = read_cells(path)
    by_header = {c.name: c.name for c in source.columns} | {c.chinese: c.name for c in source.columns}
    out = []
    for n, cells in enumerate(rows, start=2):
        named = dict(zip(header, cells))
        values = {by_header[h]: v for h, v in named.items() if h in by_header}
        extra = {h: v for h, v in named.items() if h not in by_header}
        out.append(_record(source, "file", f"{path.name}:{n}", values, extra))
    return out


def table_records(conn, schema: str, source: Source) -> list[Record]:
    query = sql.SQL("select * from {}").format(sql.Identifier(schema, source.name))
    with conn.cursor() as cursor:
        cursor.execute(query)
        names = [d.name for d in cursor.description]
        rows = cursor.fetchall()
    return [_record(source, "database", f"{source.name}#{n}", dict(zip(names, row)), {}) for n, row in enumerate(rows)]


def _record(source: Source, channel: str, origin: str, raw: dict, extra: dict) -> Record:
    values, problems = {}, {}
    for column in source.columns:
        value, problem = _typed(raw.get(column.name), column)
        values[column.name] = value
        if problem:
            problems[column.name] = problem
    return Record(source.name, channel, origin, values, problems, extra)


def _typed(raw, column):
    if isinstance(raw, dt.datetime):
        return (raw if column.type == "timestamp" else raw.date()), None
    if isinstance(raw, (dt.date, int, float, Decimal)) and not isinstance(raw, bool):
        if isinstance(raw, float):
            raw = Decimal(str(raw))
        return raw, None
    text = standardise(raw, column.code) if raw is not None else None
    if text is None or column.type == "text":
        return text, None
    parsed = {
        "date": parse_date,
        "timestamp": parse_timestamp,
        "integer": lambda t: int(t) if _INTEGER.match(t) else None,
        "decimal": lambda t: _decimal(t) if _DECIMAL.match(t) else None,
    }[column.type](text)
    return parsed, (None if parsed is not None else f"{column.type}_format")


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def violations(source: Source, record: Record, as_of: dt.date, known: dict[str, set[str]]) -> list[str]:
    """Every rule of the contract this record breaks, except uniqueness (a property of sets)."""
    found = list(record.problems.values())
    values = record.values
    for column in source.columns:
        value = values[column.name]
        if value is None:
            if column.required and column.name not in record.problems:
                found.append("required")
            for rule in column.rules:
                if isinstance(rule, RequiredWhen) and values[rule.column] == rule.equals:
                    found.append(rule.name)
            continue
        for rule in column.rules:
            if not _holds(rule, value, values, as_of, known):
                found.append(rule.name)
    if source.one_of_required and all(values[c] is None for c in source.one_of_required):
        found.append("one_of_required")
    return found


def _holds(rule, value, values: dict, as_of: dt.date, known: dict[str, set[str]]) -> bool:
    if isinstance(rule, Uscc):
        return uscc_valid(value)
    if isinstance(rule, ResidentId):
        return resident_id_valid(value)
    if isinstance(rule, HubeiDivision):
        return hubei_division_valid(value)
    if isinstance(rule, OneOf):
        return value in rule.values
    if isinstance(rule, NotFuture):
        return value <= as_of
    if isinstance(rule, After):
        other = values[rule.other]
        return other is None or (value >= other if rule.inclusive else value > other)
    if isinstance(rule, Between):
        return (rule.low is None or value >= rule.low) and (rule.high is None or value <= rule.high)
    if isinstance(rule, Pattern):
        applies = rule.when is None or values[rule.when[0]] == rule.when[1]
        return not applies or re.fullmatch(rule.regex, value) is not None
    if isinstance(rule, RequiredWhen):
        return True
    if isinstance(rule, BirthDateMatchesId):
        number = values[rule.id_column]
        return number is None or resident_id_birth_date(number) in (None, value)
    if isinstance(rule, ExistsIn):
        return value in known[rule.source]
    raise AssertionError(f"no check for {rule}")


def key_of(source: Source, record: Record) -> str | None:
    return record.values[source.key[0]]


def duplicates(source: Source, records: list[Record]) -> Counter:
    """Keys held by more than one row, as the platform's unique check reports them (once)."""
    keys = Counter(tuple(r.values[k] for k in source.key) for r in records if r.values[source.key[0]] is not None)
    return Counter({key[0]: 1 for key, n in keys.items() if n > 1})


def all_sources() -> list[Source]:
    return list(SOURCES.values())
