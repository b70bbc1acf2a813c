"""The 国密 profile: SM4 is the standard cipher, the SM4 vault keeps secrets, and each vault refuses the other's."""

import base64

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from hubei_data.api.vault import KEY_VARIABLE, Vault, VaultError, new_key
from hubei_data.control.crypto import (
    PROFILE_VARIABLE,
    TOKEN_PREFIX,
    ProfileError,
    SM4Vault,
    new_sm4_key,
    profile,
)


def test_sm4_known_answer():
    """GB/T 32907-2016 example 1: one block, key = plaintext."""
    key = bytes.fromhex("0123456789abcdeffedcba9876543210")
    encryptor = Cipher(algorithms.SM4(key), modes.ECB()).encryptor()
    assert (encryptor.update(key) + encryptor.finalize()).hex() == "681edf34d206965e86b3e94f536e4246"


def test_sm4_gcm_known_answer():
    """RFC 8998 appendix A.1: the mode the SM4 vault uses."""
    key = bytes.fromhex("0123456789abcdeffedcba9876543210")
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(bytes.fromhex("00001234567800000000abcd"))).encryptor()
    encryptor.authenticate_additional_data(bytes.fromhex("feedfacedeadbeeffeedfacedeadbeefabaddad2"))
    plaintext = bytes.fromhex("".join(letter * 16 for letter in "abcdefea"))
    ciphertext = encryptor.update(plaintext) + encryptor.finalize()
    assert ciphertext.hex() == (
        "17f399f08c67d5ee19d0dc9969c4bb7d5fd46fd3756489069157b282bb200735"
        "d82710ca5c22f0ccfa7cbf93d496ac15a56834cbcf98c397b4024a2691233b8d"
    )
    assert encryptor.tag.hex() == "83de3541e4c2b58177e065a9bf7b62ec"


@pytest.fixture
def vault() -> SM4Vault:
    return SM4Vault(new_sm4_key())


@pytest.mark.parametrize("secret", ["", "s3cr3t", "药监局的密钥", "x" * 10_000, "line\nbreak\x00nul"])
def test_round_trip(vault, secret):
    assert vault.decrypt(vault.encrypt(secret)) == secret


def test_each_message_has_its_own_nonce(vault):
    first, second = vault.encrypt("same"), vault.encrypt("same")
    assert first != second
    assert first.startswith(TOKEN_PREFIX) and second.startswith(TOKEN_PREFIX)


def flip(token: bytes, index: int) -> bytes:
    """The token with one bit of its decoded body changed at `index` (negative counts from the end)."""
    body = bytearray(base64.urlsafe_b64decode(token.removeprefix(TOKEN_PREFIX)))
    body[index] ^= 0x01
    return TOKEN_PREFIX + base64.urlsafe_b64encode(bytes(body))


@pytest.mark.parametrize("index", [0, 11, 12, 20, -17, -16, -1], ids=lambda i: f"byte {i}")
def test_a_tampered_ciphertext_is_refused(vault, index):
    """Nonce (0-11), ciphertext (12 to -17) and tag (last 16): a change anywhere is found."""
    token = flip(vault.encrypt("a consumer secret"), index)
    with pytest.raises(VaultError, match="altered, or made with another key"):
        vault.decrypt(token)


def test_a_changed_format_prefix_is_refused(vault):
    token = vault.encrypt("a consumer secret")
    with pytest.raises(VaultError, match="not an SM4 ciphertext"):
        vault.decrypt(b"sm4gcm2." + token.removeprefix(TOKEN_PREFIX))


@pytest.mark.parametrize("cut", [1, 20, 30])
def test_a_cut_ciphertext_is_refused(vault, cut):
    token = vault.encrypt("a consumer secret")
    with pytest.raises(VaultError):
        vault.decrypt(token[:-cut])


def test_a_wrong_key_is_refused(vault):
    token = vault.encrypt("a consumer secret")
    with pytest.raises(VaultError, match=f"does not decrypt with this {KEY_VARIABLE}"):
        SM4Vault(new_sm4_key()).decrypt(token)


def test_a_fernet_ciphertext_is_refused_by_name(vault):
    with pytest.raises(VaultError, match="encrypted under the default profile"):
        vault.decrypt(Vault(new_key()).encrypt("a consumer secret"))


def test_the_fernet_vault_refuses_an_sm4_ciphertext(vault):
    with pytest.raises(VaultError):
        Vault(new_key()).decrypt(vault.encrypt("a consumer secret"))


# A fixed Fernet key: a fresh one per collection would give each test worker different test ids.
FERNET_KEY = base64.urlsafe_b64encode(b"f" * 32).decode()


@pytest.mark.parametrize("key", [FERNET_KEY, "sm4:", "sm4:!!!!", "sm4:" + base64.urlsafe_b64encode(b"k" * 32).decode(), "plain text"])
def test_a_key_that_is_not_an_sm4_key_is_refused(key):
    with pytest.raises(VaultError, match="is not an SM4 key"):
        SM4Vault(key)


def test_the_fernet_vault_refuses_an_sm4_key():
    with pytest.raises(VaultError):
        Vault(new_sm4_key())


def test_the_key_comes_from_the_environment(monkeypatch):
    key = new_sm4_key()
    monkeypatch.setenv(KEY_VARIABLE, key)
    assert SM4Vault(key).decrypt(SM4Vault().encrypt("from the environment")) == "from the environment"


def test_a_missing_key_is_refused(monkeypatch):
    monkeypatch.delenv(KEY_VARIABLE, raising=False)
    with pytest.raises(VaultError, match=f"{KEY_VARIABLE} is not set"):
        SM4Vault()


@pytest.mark.parametrize(
    "setting, name, digest, vault_type",
    [(None, "default", "sha256", Vault), ("", "default", "sha256", Vault), ("default", "default", "sha256", Vault), ("gm", "gm", "sm3", SM4Vault)],
)
def test_profile_from_the_setting(monkeypatch, setting, name, digest, vault_type):
    if setting is None:
        monkeypatch.delenv(PROFILE_VARIABLE, raising=False)
    else:
        monkeypatch.setenv(PROFILE_VARIABLE, setting)
    chosen = profile()
    assert (chosen.name, chosen.digest) == (name, digest)
    keeper = chosen.vault(chosen.new_key())
    assert isinstance(keeper, vault_type)
    assert keeper.decrypt(keeper.encrypt("secret")) == "secret"


@pytest.mark.parametrize("setting", ["GM", "sm", "sm4", " gm", "fernet"])
def test_an_unknown_profile_is_refused(monkeypatch, setting):
    monkeypatch.setenv(PROFILE_VARIABLE, setting)
    with pytest.raises(ProfileError, match=f"{PROFILE_VARIABLE}={setting!r} is not a cryptographic profile: use 'default'"):
        profile()


def test_a_named_profile_overrides_the_setting(monkeypatch):
    monkeypatch.setenv(PROFILE_VARIABLE, "gm")
    assert profile("default").name == "default"
