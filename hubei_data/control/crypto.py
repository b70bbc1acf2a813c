"""The cryptographic profile: SHA-256 and Fernet by default, or 国密 (SM3 and SM4) where required.

HUBEI_DATA_CRYPTO_PROFILE chooses it: `default` or `gm`. SM3 and SM4 come from `cryptography`, which
the platform already uses for Fernet and which ships them in its bundled OpenSSL.
"""

import base64
import binascii
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from hubei_data.api.vault import KEY_VARIABLE, Vault, VaultError, new_key
from hubei_data.control.audit_chain import Algorithm

PROFILE_VARIABLE = "HUBEI_DATA_CRYPTO_PROFILE"

KEY_PREFIX = "sm4:"
# Written in front of every SM4 ciphertext and authenticated with it: the format, and its version.
TOKEN_PREFIX = b"sm4gcm1."
# Every Fernet token is base64 of version byte 0x80 and a timestamp whose high bits stay zero until the year 4000.
FERNET_PREFIX = b"gAAAAA"
NONCE_BYTES = 12
TAG_BYTES = 16


class SM4Vault:
    """Consumer secrets encrypted at rest with SM4 (GB/T 32907) in GCM mode, as `Vault` does with Fernet.

    GCM is authenticated encryption in one pass (RFC 8998 names SM4-GCM for TLS), so no separate
    HMAC-SM3 is needed; each message gets a random 96-bit nonce, and the format prefix is bound
    to the ciphertext as associated data.
    """

    def __init__(self, key: str | None = None):
        key = key or os.environ.get(KEY_VARIABLE)
        if not key:
            raise VaultError(
                f"{KEY_VARIABLE} is not set: with {PROFILE_VARIABLE}=gm the data API encrypts consumer secrets "
                f"with an SM4 key in it. Make one with `hubei-data api keygen` (with {PROFILE_VARIABLE}=gm set), keep it "
                f"safe, and set it for every API command"
            )
        try:
            raw = base64.urlsafe_b64decode(key.removeprefix(KEY_PREFIX).encode()) if key.startswith(KEY_PREFIX) else b""
        except binascii.Error:
            raw = b""
        if len(raw) != 16:
            raise VaultError(
                f"{KEY_VARIABLE} is not an SM4 key ({KEY_PREFIX} and 16 bytes in URL-safe base64), "
                f"which {PROFILE_VARIABLE}=gm needs; a key of the default profile does not work here"
            )
        self._key = raw

    def encrypt(self, secret: str) -> bytes:
        nonce = secrets.token_bytes(NONCE_BYTES)
        encryptor = Cipher(algorithms.SM4(self._key), modes.GCM(nonce)).encryptor()
        encryptor.authenticate_additional_data(TOKEN_PREFIX)
        sealed = encryptor.update(secret.encode()) + encryptor.finalize() + encryptor.tag
        return TOKEN_PREFIX + base64.urlsafe_b64encode(nonce + sealed)

    def decrypt(self, token: bytes) -> str:
        if not token.startswith(TOKEN_PREFIX):
            if token.startswith(FERNET_PREFIX):
                raise VaultError(
                    f"a consumer secret was encrypted under the default profile (Fernet), but {PROFILE_VARIABLE}=gm: "
                    f"set {PROFILE_VARIABLE}=default with its key, or encrypt the secret again under SM4"
                )
            raise VaultError("a consumer secret is not an SM4 ciphertext of this platform")
        try:
            body = base64.urlsafe_b64decode(token.removeprefix(TOKEN_PREFIX))
        except binascii.Error:
            body = b""
        if len(body) < NONCE_BYTES + TAG_BYTES:
            raise VaultError("a consumer secret's SM4 ciphertext is cut short or damaged")
        nonce, sealed, tag = body[:NONCE_BYTES], body[NONCE_BYTES:-TAG_BYTES], body[-TAG_BYTES:]
        decryptor = Cipher(algorithms.SM4(self._key), modes.GCM(nonce, tag)).decryptor()
        decryptor.authenticate_additional_data(TOKEN_PREFIX)
        try:
            return (decryptor.update(sealed) + decryptor.finalize()).decode()
        except InvalidTag:
            raise VaultError(
                f"a consumer secret does not decrypt with this {KEY_VARIABLE}: it was altered, or made with another key"
            ) from None


def new_sm4_key() -> str:
    return KEY_PREFIX + base64.urlsafe_b64encode(secrets.token_bytes(16)).decode()


@dataclass(frozen=True)
class Profile:
    """What one profile uses: the audit chain's digest, the vault for secrets and how to make its key."""

    name: str
    digest: Algorithm
    vault: Callable[[str | None], Vault | SM4Vault]
    new_key: Callable[[], str]


PROFILES = {
    "default": Profile("default", "sha256", Vault, new_key),
    "gm": Profile("gm", "sm3", SM4Vault, new_sm4_key),
}


class ProfileError(ValueError):
    """HUBEI_DATA_CRYPTO_PROFILE names no profile."""


def profile(name: str | None = None) -> Profile:
    """The profile named, or else the one HUBEI_DATA_CRYPTO_PROFILE names (unset or empty: default)."""
    name = os.environ.get(PROFILE_VARIABLE, "") if name is None else name
    name = name or "default"
    if name not in PROFILES:
        raise ProfileError(
            f"{PROFILE_VARIABLE}={name!r} is not a cryptographic profile: use 'default' (SHA-256 and Fernet) "
            f"or 'gm' (国密: SM3 and SM4)"
        )
    return PROFILES[name]
