"""The command's last resort: an unexpected error becomes one line, its traceback a file."""

import datetime as dt
import os
import tempfile
import traceback
from pathlib import Path

import click

from hubei_data.control.schema import SchemaBehind


def first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def error_line(cls_name: str, qualified: str, message: str) -> str:
    """One line naming an error: our own errors and Dagster's `Failure` speak for themselves,
    anything else keeps its class name (KeyError, UndefinedTable, ConnectionError)."""
    first = first_line(message)
    if qualified.startswith("hubei_data.") or cls_name == "Failure":
        return first or cls_name
    return f"{cls_name}: {first}" if first else cls_name


def _log_folder() -> Path:
    """`<data dir>/logs`, or the temporary folder when the data directory itself is the trouble."""
    from hubei_data import warehouse

    try:
        folder = warehouse.data_dir() / "logs"
        folder.mkdir(exist_ok=True)
        return folder
    except OSError:
        return Path(tempfile.gettempdir())


def write_traceback(error: BaseException) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = _log_folder() / f"hubei-data-error-{stamp}-{os.getpid()}.log"
    path.write_text("".join(traceback.format_exception(error)), encoding="utf-8")
    return path


class UnexpectedError(click.ClickException):
    """An error no command turned into a message: one line, and where its traceback was written."""

    def __init__(self, error: Exception):
        cls = type(error)
        super().__init__(error_line(cls.__name__, f"{cls.__module__}.{cls.__qualname__}", str(error)))
        self.path = write_traceback(error)

    def show(self, file=None) -> None:
        click.echo(f"traceback: {self.path}", err=True)
        super().show(file)


class MainGroup(click.Group):
    """The `hubei-data` group: whatever a command raises ends as one line, never a stack trace."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort, BrokenPipeError):
            raise
        except SchemaBehind as error:
            raise click.ClickException(str(error)) from None
        except Exception as error:
            raise UnexpectedError(error) from error
