"""The password policy, applied the same way at every entry point: strength, reuse, expiry, lockout, idle sessions.

Pure functions over values: callers pass the clock, the stored hashes and the failed logins.
"""

import datetime as dt
import unicodedata
from collections.abc import Sequence
from typing import NamedTuple

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from pydantic import BaseModel, ConfigDict, Field

# argon2-cffi's defaults (RFC 9106's low-memory profile): 3 passes over 64 MiB, 4 lanes.
HASHER = PasswordHasher()


class PasswordPolicy(BaseModel):
    """The rules the security administrator (安全管理员) sets; the defaults are GB/T 22239-2019 level 3's."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    min_length: int = Field(8, ge=8, description="fewest characters a password may have")
    min_classes: int = Field(3, ge=1, le=4, description="fewest of lower case, upper case, digits, others")
    expiry_days: int = Field(90, ge=1, description="days a password lives before it must be changed")
    history: int = Field(5, ge=0, description="how many of the latest passwords may not be used again")
    lockout_attempts: int = Field(5, ge=1, description="failed logins in a row that lock an account")
    lockout_minutes: int = Field(30, ge=1, description="minutes an account stays locked")
    idle_minutes: int = Field(15, ge=1, description="idle minutes after which a session ends")


class Verified(NamedTuple):
    """Whether the password matched, and the new hash to store when the stored one was made with weaker settings."""

    ok: bool
    rehashed: str | None = None


def _normalised(password: str) -> str:
    """NFKC, as NIST SP 800-63B advises: a full-width ＡＢＣ１ typed through an input method is the ABC1 it shows."""
    return unicodedata.normalize("NFKC", password)


def hash_password(password: str, hasher: PasswordHasher = HASHER) -> str:
    """An argon2id hash of the password, salted afresh each time.

    Wrapped rather than called directly so every entry point hashes the same normalised text
    with our settings, and verifies with rehash-on-verify (see `verify_password`).
    """
    return hasher.hash(_normalised(password))


def verify_password(stored: str, password: str, hasher: PasswordHasher = HASHER) -> Verified:
    """Whether the password matches the stored hash; never raises for a wrong password or a damaged hash.

    When the hash was made with settings weaker than the hasher's, a matching login returns a new
    hash to store, so raising the cost reaches every account at its next login.
    """
    password = _normalised(password)
    if not _matches(stored, password):
        return Verified(False)
    return Verified(True, hasher.hash(password) if hasher.check_needs_rehash(stored) else None)


def _matches(stored: str, normalised: str) -> bool:
    """The cost settings are read from the stored hash itself, so any hasher verifies any hash."""
    try:
        return HASHER.verify(stored, normalised)
    except (VerificationError, InvalidHashError):
        return False


def character_classes(password: str) -> int:
    """How many of lower case, upper case, digits and other characters the password uses."""
    return sum((
        any(char.islower() for char in password),
        any(char.isupper() for char in password),
        any(char.isdigit() for char in password),
        any(not (char.islower() or char.isupper() or char.isdigit()) for char in password),
    ))


def check_new_password(
    policy: PasswordPolicy, password: str, history_hashes: Sequence[str], username: str
) -> list[str]:
    """Every reason the password may not be set (empty when it may).

    `history_hashes` are the hashes of the person's passwords, the current one first; the
    latest `policy.history` of them may not be used again.
    """
    password = _normalised(password)
    reasons = []
    if len(password) < policy.min_length:
        reasons.append(f"shorter than {policy.min_length} characters")
    if any(unicodedata.category(char) == "Cc" for char in password):
        reasons.append("contains control characters, which cannot be typed at a login")
    if (classes := character_classes(password)) < policy.min_classes:
        reasons.append(
            f"uses {classes} of lower case, upper case, digits and other characters; at least {policy.min_classes}"
        )
    name = _normalised(username).strip().casefold()
    if name and name in password.casefold():
        reasons.append("equals or contains the user name")
    if any(_matches(stored, password) for stored in history_hashes[: policy.history]):
        reasons.append(f"one of the last {policy.history} passwords")
    return reasons


def expired(policy: PasswordPolicy, changed_at: dt.datetime, now: dt.datetime) -> bool:
    """Whether a password set at `changed_at` must be changed before anything else."""
    return now >= changed_at + dt.timedelta(days=policy.expiry_days)


def locked_until(policy: PasswordPolicy, failures: Sequence[dt.datetime], now: dt.datetime) -> dt.datetime | None:
    """When the account's lock ends, or None when it is not locked.

    `failures` are the failed logins since the last successful one. Every `lockout_attempts`
    failures lock the account from the last of them; failures while locked do not count, so an
    expired lock gives a fresh set of attempts.
    """
    lock_ends, count = None, 0
    for failure in sorted(failures):
        if lock_ends is not None and failure < lock_ends:
            continue
        count += 1
        if count == policy.lockout_attempts:
            lock_ends, count = failure + dt.timedelta(minutes=policy.lockout_minutes), 0
    return lock_ends if lock_ends is not None and now < lock_ends else None


def session_expired(policy: PasswordPolicy, last_activity: dt.datetime, now: dt.datetime) -> bool:
    """Whether a session idle since `last_activity` has ended."""
    return now - last_activity >= dt.timedelta(minutes=policy.idle_minutes)
