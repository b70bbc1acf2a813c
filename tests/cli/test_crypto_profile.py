"""HUBEI_DATA_CRYPTO_PROFILE=gm: the data API's keys and stored consumer secrets are SM4, end to end through the CLI."""

import json

import psycopg
from click.testing import CliRunner

from hubei_data.cli import main
from hubei_data.control import crypto
from hubei_data.control.schema import upgrade
from hubei_data.warehouse import connect_info
from tests.people import TOKEN_VARIABLE, invoke, token_for


def test_the_gm_profile_makes_sm4_keys_and_stores_secrets_under_sm4(fresh_database, use_warehouse, monkeypatch):
    database = fresh_database("gm")
    upgrade(database)
    use_warehouse(database)
    monkeypatch.setenv(crypto.PROFILE_VARIABLE, "gm")
    keygen = invoke(["api", "keygen"])
    key = keygen.stdout.strip()
    assert keygen.exit_code == 0 and key.startswith(crypto.KEY_PREFIX)
    monkeypatch.setenv("HUBEI_DATA_API_KEY", key)
    created = invoke(["api", "consumer", "create", "省公安厅户籍管理", "--department", "省公安厅"])
    assert created.exit_code == 0, created.output
    consumer = json.loads(created.stdout)
    with psycopg.connect(database.url) as conn:
        stored = bytes(conn.execute("select secret_encrypted from api.consumers where app_key = %s",
                                    (consumer["app_key"],)).fetchone()[0])
    assert stored.startswith(crypto.TOKEN_PREFIX)
    assert crypto.SM4Vault(key).decrypt(stored) == consumer["secret"]


def test_a_default_key_under_the_gm_profile_is_refused_in_one_line(fresh_database, use_warehouse, monkeypatch):
    database = fresh_database("gm")
    upgrade(database)
    use_warehouse(database)
    monkeypatch.setenv("HUBEI_DATA_API_KEY", crypto.PROFILES["default"].new_key())
    monkeypatch.setenv(crypto.PROFILE_VARIABLE, "gm")
    created = invoke(["api", "consumer", "create", "某部门", "--department", "某部门"])
    assert created.exit_code == 1
    assert created.stderr.strip().startswith("Error: HUBEI_DATA_API_KEY is not an SM4 key")


def test_an_unknown_profile_is_refused_in_one_line(monkeypatch):
    allowed = token_for(connect_info(), ["api", "keygen"])
    monkeypatch.setenv(crypto.PROFILE_VARIABLE, "sm9")
    result = CliRunner(env={TOKEN_VARIABLE: allowed}).invoke(main, ["api", "keygen"])
    assert result.exit_code == 1
    assert result.stderr.strip().startswith("Error: HUBEI_DATA_CRYPTO_PROFILE='sm9' is not a cryptographic profile")
