"""Who is told: each office's e-mail addresses and robot webhook, from contacts.yaml.

Webhook URLs carry their robot's key, so the file names the environment variable that holds
each URL, never the URL itself.
"""

import os
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
VARIABLE = "HUBEI_DATA_CONTACTS"
# The office told about the platform itself: failed runs, probes, backups.
OPERATIONS = "运维组"
_ADDRESS = re.compile(r"[^@\s,;<>]+@[^@\s,;<>]+")
_VARIABLE_NAME = re.compile(r"[A-Z][A-Z0-9_]*")


class ContactsError(ValueError):
    """contacts.yaml says something that cannot be used: where and why."""


@dataclass(frozen=True)
class Office:
    name: str
    emails: tuple[str, ...] = ()
    webhook_env: str | None = None

    def webhook(self) -> str | None:
        return os.environ.get(self.webhook_env) if self.webhook_env else None


def path() -> Path:
    return Path(os.environ.get(VARIABLE) or ROOT / "contacts.yaml")


def load(file: Path | None = None) -> dict[str, Office]:
    """Every office by name; a missing file means no one is told but the alert list."""
    file = file or path()
    if not file.exists():
        return {}
    try:
        entries = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise ContactsError(f"{file}: not YAML: {error}") from None
    if not isinstance(entries, dict):
        raise ContactsError(f"{file}: expected office names mapping to their contacts")
    return {str(name): _office(file, str(name), entry or {}) for name, entry in entries.items()}


def _office(file: Path, name: str, entry) -> Office:
    if not isinstance(entry, dict) or set(entry) - {"emails", "webhook_env"}:
        raise ContactsError(f"{file}: {name}: give emails: [...] and/or webhook_env: VARIABLE")
    emails = tuple(str(e) for e in entry.get("emails") or ())
    bad = [e for e in emails if not _ADDRESS.fullmatch(e)]
    if bad:
        raise ContactsError(f"{file}: {name}: not an e-mail address: {', '.join(bad)}")
    webhook_env = entry.get("webhook_env")
    if webhook_env is not None and not _VARIABLE_NAME.fullmatch(str(webhook_env)):
        raise ContactsError(f"{file}: {name}: webhook_env names an environment variable, e.g. HUBEI_DATA_WEBHOOK_OPS")
    return Office(name, emails, webhook_env)
