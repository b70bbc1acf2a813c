"""People through the command line: the first administrator, accounts and roles, the policy, the audit
trail searched and exported: each person at their own terminal (their own login file)."""

import json
import re

import openpyxl
import psycopg
import pytest
from click.testing import CliRunner

from hubei_data.cli import main

ONE_TIME = re.compile(r"one-time password: (\S+)")


@pytest.fixture
def terminal(fresh_database, use_warehouse, tmp_path, monkeypatch):
    """`terminal(username, *args, input=None)`: a command typed at that person's own terminal."""
    info = fresh_database("people")
    use_warehouse(info)
    monkeypatch.setenv("HUBEI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("HUBEI_DATA_TOKEN", raising=False)

    def run(username: str, *args: str, input: str | None = None):
        return CliRunner(env={"XDG_CONFIG_HOME": str(tmp_path / username)}).invoke(main, list(args), input=input)

    run.info = info
    return run


def _first_login(terminal, username: str, password: str) -> str:
    new = f"New-{username[::-1]}-pw1"
    said = terminal(username, "login", username, input=f"{password}\n{new}\n{new}\n")
    assert said.exit_code == 0 and f"logged in as {username}" in said.stdout, said.output
    return new


def test_the_first_administrator_sets_people_up_and_the_security_administrator_their_roles(terminal):
    refused = terminal("admin", "sync-log")
    assert refused.exit_code == 1 and "run `hubei-data db upgrade`" in refused.stderr
    setup = terminal("admin", "db", "upgrade")
    assert setup.exit_code == 0 and "first start" in setup.stdout
    assert ONE_TIME.search(terminal("admin", "db", "upgrade").stdout) is None
    _first_login(terminal, "admin", ONE_TIME.search(setup.stdout).group(1))

    created = terminal("admin", "user", "add", "sec", "--role", "security_admin", "--name", "安全员")
    _first_login(terminal, "sec", ONE_TIME.search(created.stdout).group(1))
    created = terminal("admin", "user", "add", "li", "--role", "viewer")
    _first_login(terminal, "li", ONE_TIME.search(created.stdout).group(1))
    both = terminal("admin", "user", "add", "wu", "--role", "security_admin", "--role", "audit_admin")
    assert both.exit_code == 1 and "三员分立" in both.stderr

    assert terminal("admin", "user", "role", "li", "--role", "operator").exit_code == 3
    changed = terminal("sec", "user", "role", "li", "--role", "operator")
    assert changed.exit_code == 0 and changed.stdout == "li: operator\n"
    assert "roles: operator" in terminal("li", "whoami").stdout
    listed = [json.loads(line) for line in terminal("admin", "user", "list", "--format", "json").stdout.splitlines()]
    assert {(p["username"], p["roles"], p["state"]) for p in listed} == {
        ("admin", "system_admin", "active"), ("sec", "security_admin", "active"), ("li", "operator", "active")}

    assert terminal("admin", "user", "disable", "li").exit_code == 0
    gone = terminal("li", "whoami")
    assert gone.exit_code == 3 and "has ended" in gone.stderr
    assert terminal("admin", "logout").stdout == "logged out\n"
    assert terminal("admin", "whoami").exit_code == 3


def test_the_policy_is_the_security_administrators_and_refuses_what_level_three_forbids(terminal):
    _first_login(terminal, "admin", ONE_TIME.search(terminal("admin", "db", "upgrade").stdout).group(1))
    _first_login(terminal, "sec", ONE_TIME.search(
        terminal("admin", "user", "add", "sec", "--role", "security_admin").stdout).group(1))
    assert terminal("admin", "security", "policy").exit_code == 3
    shown = terminal("sec", "security", "policy", "--set", "expiry_days=60", "--set", "min_length=10")
    assert shown.exit_code == 0 and re.search(r"expiry_days\s+60", shown.stdout), shown.output
    for bad in ("min_length=6", "no_rule=1", "min_length=ten"):
        refused = terminal("sec", "security", "policy", "--set", bad)
        assert refused.exit_code == 1 and refused.stderr.startswith("Error: "), refused.output
    assert re.search(r"min_length\s+10", terminal("sec", "security", "policy").stdout)


def test_the_audit_administrator_searches_and_exports_the_trail_with_the_api_calls(terminal, tmp_path):
    _first_login(terminal, "admin", ONE_TIME.search(terminal("admin", "db", "upgrade").stdout).group(1))
    _first_login(terminal, "audit", ONE_TIME.search(
        terminal("admin", "user", "add", "audit", "--role", "audit_admin").stdout).group(1))
    terminal("nobody", "login", "nobody", input="Wrong-pass-1\n")
    with psycopg.connect(terminal.info.url, autocommit=True) as conn:
        conn.execute("insert into api.calls (called_at, app_key, api, rows, latency_ms, status)"
                     " values (now(), 'hd_1', 'vaccination', 3, 12.5, 200)")

    found = terminal("audit", "audit", "search", "--action", "login_failed", "--format", "json")
    (event,) = [json.loads(line) for line in found.stdout.splitlines()]
    assert (event["actor"], event["outcome"], json.loads(event["detail"])) == (
        "nobody", "failure", {"reason": "no such account"})
    assert terminal("admin", "audit", "search").exit_code == 3

    workbook = tmp_path / "审计日志.xlsx"
    exported = terminal("audit", "audit", "export", "--output", str(workbook))
    assert exported.exit_code == 0, exported.output
    book = openpyxl.load_workbook(workbook)
    assert book.sheetnames == ["审计日志", "接口调用日志"]
    trail = [[cell.value for cell in row] for row in book["审计日志"].iter_rows()]
    assert trail[0][:7] == ["序号", "时间 (北京时间)", "用户", "来源", "操作", "对象", "结果"]
    assert [row[2] for row in trail[1:] if row[4] == "login_failed"] == ["nobody"]
    calls = [[cell.value for cell in row] for row in book["接口调用日志"].iter_rows()]
    assert calls[1][2:4] == ["hd_1", "vaccination"]
    logged = terminal("audit", "audit", "search", "--action", "data_export", "--format", "json").stdout
    assert json.loads(json.loads(logged)["detail"])["file"] == str(workbook)
    not_a_workbook = terminal("audit", "audit", "export", "--output", str(tmp_path / "trail.csv"))
    assert not_a_workbook.exit_code == 1 and "xlsx" in not_a_workbook.stderr
