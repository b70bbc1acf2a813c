"""Reports on disk: every file whole or not at all (written under a temporary name, then renamed), each audited."""

import os
import secrets
from pathlib import Path

import psycopg

from hubei_data import warehouse
from hubei_data.control import audit_trail
from hubei_data.control.audit_chain import Action, Outcome
from hubei_data.reports import ReportError, html, xlsx
from hubei_data.reports.document import Report

DIR_VARIABLE = "HUBEI_DATA_REPORTS_DIR"


def reports_dir() -> Path:
    """HUBEI_DATA_REPORTS_DIR, or `<data dir>/reports`: where the scheduled reports go and commands write by default."""
    configured = os.environ.get(DIR_VARIABLE)
    return Path(configured).expanduser().resolve() if configured else warehouse.data_dir() / "reports"


def publish(conn: psycopg.Connection, report: Report, directory: Path, by: audit_trail.Actor) -> list[Path]:
    """Write the report as HTML and XLSX into `directory`; one audit row says who wrote which files, or why
    they could not be written. `conn` is in autocommit mode, so the audit row stands whatever follows."""
    contents = {
        directory / f"{report.name}.html": html.render(report).encode("utf-8"),
        directory / f"{report.name}.xlsx": xlsx.render(report),
    }
    target = f"report {report.name}"
    detail = {"title": report.title, "period": report.period, "rows": report.rows}
    try:
        written = write_whole(contents)
    except ReportError as error:
        audit_trail.append(conn, by.name, by.source, Action.DATA_EXPORT, target, Outcome.FAILURE,
                           {**detail, "error": str(error)})
        raise
    audit_trail.append(conn, by.name, by.source, Action.DATA_EXPORT, target, Outcome.SUCCESS,
                       {**detail, "files": "; ".join(str(path) for path in written)})
    return written


def write_whole(contents: dict[Path, bytes]) -> list[Path]:
    """Write every file under a temporary name in its own folder, then rename them all into place; on any
    failure (a full disk, a folder that cannot be made) remove what was begun and raise one line."""
    begun: list[Path] = []
    try:
        for path, content in contents.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            begun.append(path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp"))
            with begun[-1].open("xb") as out:
                out.write(content)
                out.flush()
                os.fsync(out.fileno())
        for temporary, path in zip(begun, contents):
            os.replace(temporary, path)
    except OSError as error:
        for temporary in begun:
            temporary.unlink(missing_ok=True)
        raise ReportError(f"cannot write {path}: {error.strerror or error}") from None
    return [path.resolve() for path in contents]
