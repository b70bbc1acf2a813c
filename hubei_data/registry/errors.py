"""The one error a registry declaration can raise: which file, which entry, which field, and why."""

from pathlib import Path


class RegistryError(ValueError):
    """A declaration the registry refuses, named so its author can find and fix it."""

    def __init__(self, file: Path | str, entry: str | None, field: str | None, reason: str):
        self.file, self.entry, self.field, self.reason = str(file), entry, field, reason
        where = ": ".join(part for part in (self.file, entry, field) if part)
        super().__init__(f"{where}: {reason}")
