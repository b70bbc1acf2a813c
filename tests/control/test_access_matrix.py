"""Every role × every command, generated from the permission table: allowed exactly where the table says,
and every refusal is a one-line message, exit code 3 and an audit row.

The commands' bodies are replaced by a recorder, so the check in front of each (the real one, against
real sessions in the warehouse) is what runs; the end-to-end test runs real commands as real people.
"""

import itertools

import click
import psycopg
import pytest

from hubei_data.cli import gate, main
from hubei_data.control.permissions import COMMAND_PERMISSION, SELF_SERVICE, Role
from tests import people


def _guarded(command: click.Command, path: str):
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            yield from _guarded(sub, f"{path} {name}")
    elif hasattr(command.callback, "body"):
        yield path, command


GUARDED = dict(_guarded(main, "hubei-data"))


def test_every_command_the_table_names_is_guarded():
    assert set(GUARDED) == set(COMMAND_PERMISSION) - {p for p in COMMAND_PERMISSION if not p.startswith("hubei-data")} \
        | set(SELF_SERVICE)


@pytest.fixture(scope="module")
def tokens(warehouse):
    return {role: people.token(warehouse, role) for role in Role}


@pytest.fixture
def recorded(monkeypatch):
    """Each guarded command's body replaced by one that records who ran it."""
    ran = []
    for path, command in GUARDED.items():
        monkeypatch.setattr(command.callback, "body", lambda *_, path=path, **__: ran.append((path, gate.acting())))
    return ran


def _denials(warehouse, path: str) -> int:
    with psycopg.connect(warehouse.url) as conn:
        return conn.execute("select count(*) from control.audit_trail where action = 'access'"
                            " and outcome = 'denied' and target = %s", (path,)).fetchone()[0]


@pytest.mark.parametrize(("role", "path"), itertools.product(Role, sorted(GUARDED)),
                         ids=lambda value: str(value))
def test_a_role_may_run_a_command_exactly_when_the_table_says(warehouse, tokens, recorded, monkeypatch, role, path):
    monkeypatch.setenv(people.TOKEN_VARIABLE, tokens[role])
    permission = COMMAND_PERMISSION.get(path)
    before = _denials(warehouse, path)
    if permission is None or permission in role.permissions:
        GUARDED[path].callback()
        assert [(ran, who.username, who.roles) for ran, who in recorded] == [
            (path, people.person(warehouse, role), (role.value,))]
    else:
        with pytest.raises(gate.CommandRefused) as refused:
            GUARDED[path].callback()
        assert refused.value.exit_code == 3
        assert str(refused.value) == f"{people.person(warehouse, role)} ({role.value}) may not {permission.meaning}" \
            f" [{permission}]"
        assert recorded == []
        assert _denials(warehouse, path) == before + 1


@pytest.mark.parametrize("path", sorted(GUARDED))
def test_without_a_token_every_guarded_command_is_refused(warehouse, recorded, monkeypatch, path):
    monkeypatch.delenv(people.TOKEN_VARIABLE, raising=False)
    with pytest.raises(gate.CommandRefused, match="needs you to log in first"):
        GUARDED[path].callback()
    assert recorded == []


@pytest.mark.parametrize("path", sorted(path for path in GUARDED if path in gate.EXPORTS
                                        or COMMAND_PERMISSION.get(path) in gate.AUDITED))
def test_commands_that_launch_runs_change_settings_or_export_are_recorded_with_their_outcome(
        warehouse, tokens, recorded, monkeypatch, path):
    role = people.role_for(COMMAND_PERMISSION[path])
    monkeypatch.setenv(people.TOKEN_VARIABLE, tokens[role])
    GUARDED[path].callback(option="value")
    monkeypatch.setattr(GUARDED[path].callback, "body", lambda **_: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        GUARDED[path].callback(option="other")
    with psycopg.connect(warehouse.url) as conn:
        recorded_rows = conn.execute(
            "select actor, action, outcome, detail ->> 'option' from control.audit_trail where target = %s"
            " order by seq desc limit 2", (path,)).fetchall()
    action = "data_export" if path in gate.EXPORTS else gate.AUDITED[COMMAND_PERMISSION[path]].value
    username = people.person(warehouse, role)
    assert recorded_rows == [(username, action, "failure", "other"), (username, action, "success", "value")]
