"""Consumer secrets encrypted at rest with a key from the environment.

HMAC needs the secret itself to check a signature, so it cannot be stored as a hash:
it is encrypted (Fernet: AES-128-CBC with an HMAC) under HUBEI_DATA_API_KEY.
"""

import os

from cryptography.fernet import Fernet, InvalidToken

KEY_VARIABLE = "HUBEI_DATA_API_KEY"


class VaultError(Exception):
    """The encryption key is missing or wrong: what to do about it."""


class Vault:
    def __init__(self, key: str | None = None):
        key = key or os.environ.get(KEY_VARIABLE)
        if not key:
            raise VaultError(
                f"{KEY_VARIABLE} is not set: the data API encrypts consumer secrets with it. "
                f"Make one with `hubei-data api keygen`, keep it safe, and set it for every API command"
            )
        try:
            self._fernet = Fernet(key.encode())
        except ValueError:
            raise VaultError(f"{KEY_VARIABLE} is not a key from `hubei-data api keygen`") from None

    def encrypt(self, secret: str) -> bytes:
        return self._fernet.encrypt(secret.encode())

    def decrypt(self, token: bytes) -> str:
        try:
            return self._fernet.decrypt(token).decode()
        except InvalidToken:
            raise VaultError(f"a consumer secret does not decrypt with this {KEY_VARIABLE}: is it the one they were made with?") from None


def new_key() -> str:
    return Fernet.generate_key().decode()
