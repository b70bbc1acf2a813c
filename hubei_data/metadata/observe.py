"""Where drift is seen: every harvest and daily extract compares the system tables sources read, every landed
file its header."""

from collections.abc import Sequence

import psycopg

from hubei_data.contracts import SOURCES, Source
from hubei_data.ingest.headers import contract_names
from hubei_data.metadata import findings
from hubei_data.metadata.drift import Seen, compare, table_removed
from hubei_data.metadata.drift_alerts import raise_alerts
from hubei_data.metadata.model import ColumnMeta, TableMeta


def after_harvest(conn: psycopg.Connection, system: str, version: int, read: list[TableMeta],
                  gone: list[TableMeta]) -> list[str]:
    """Compare each source of the system whose table (the one it reads) this harvest read, or found gone (held
    by the version before, in what this harvest read, and absent now); one line for each finding opened, seen
    again or resolved."""
    said, changed = [], []
    for source in SOURCES.values():
        if source.system_code != system:
            continue
        table = _named(read, source)
        if table is not None:
            outcome = after_table(conn, source, f"{system} metadata version {version} ({table.qualified})",
                                  table.columns, tell=False)
        elif (dropped := _named(gone, source)) is not None:
            outcome = after_table(conn, source, f"{system} metadata version {version} (no {dropped.qualified})",
                                  None, tell=False)
        else:
            continue
        said += _lines(source, outcome)
        if outcome.opened or outcome.resolved:
            changed.append(source.name)
    _tell(conn, changed)
    return said


def after_table(conn: psycopg.Connection, source: Source, observed_in: str, columns: Sequence[ColumnMeta] | None,
                tell: bool = True) -> findings.Observed:
    """Compare the source's system table, as a harvest or an extract described its columns (None: it is gone),
    its columns known by their English or Chinese names as an extract maps them."""
    if columns is None:
        drifts = table_removed(source)
    else:
        named = contract_names(source)
        drifts = compare(source, [Seen.harvested(column, named(column.name)) for column in columns])
    outcome = findings.observe(conn, source, findings.TABLE, observed_in, drifts)
    if tell:
        _tell(conn, [source.name] if outcome.opened or outcome.resolved else [])
    return outcome


def _named(tables: list[TableMeta], source: Source) -> TableMeta | None:
    return next((t for t in tables if t.name.lower() == source.table_name.lower()), None)


def after_landing(conn: psycopg.Connection, source: Source, observed_in: str, missing: list[str],
                  extras: list[str]) -> findings.Observed:
    """Compare a landed (or refused) file's layout: contract columns it lacks, headers the contract lacks."""
    seen = [Seen(name) for name in source.column_names if name not in missing]
    seen += [Seen(_printable(name)) for name in extras]
    outcome = findings.observe(conn, source, findings.FILE, observed_in, compare(source, seen, complete=False))
    _tell(conn, [source.name] if outcome.opened or outcome.resolved else [])
    return outcome


def _printable(header: str) -> str:
    """A header as a finding stores it: a file's bytes are anyone's, and PostgreSQL text holds no NUL."""
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in header)


def _tell(conn: psycopg.Connection, changed: list[str]) -> None:
    """Alert the owners of what was found or resolved, and show it on the sources' schema-change checks.

    The checks are Dagster's, imported only here: every landing observes its file's header, and importing Dagster
    for the rare drift would cost each landing process over half a second and 60 MB.
    """
    if not changed:
        return
    from hubei_data.metadata import drift_checks

    raise_alerts(conn)
    for name in changed:
        drift_checks.report(conn, name)


def _lines(source: Source, outcome: findings.Observed) -> list[str]:
    lines = [f"{source.name}: drift finding {number} resolved" for number in outcome.resolved]
    if outcome.opened:
        lines.append(f"{source.name}: drift finding {outcome.opened.finding_id}: {outcome.opened.summary()}")
    if outcome.still:
        lines.append(f"{source.name}: drift finding {outcome.still.finding_id} still open")
    return lines
