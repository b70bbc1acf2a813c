"""The permission table: every role × permission, the separation of the three administrators, the doc."""

import itertools

import click
import pytest
from fastapi import FastAPI

from hubei_data.api import admin
from hubei_data.cli import main
from hubei_data.control.permissions import (
    ADMINISTRATORS,
    DOC,
    OPEN,
    SELF_SERVICE,
    Permission,
    Role,
    SeparationOfDutiesError,
    allowed,
    check_assignment,
    check_table,
    markdown,
    permissions_of,
)

# A stand-in for the national bureau, run in tests and demos; no platform operation.
NOT_PLATFORM_OPERATIONS = {"hubei-data bureau-sim"}


def _table() -> dict[Role, frozenset[Permission]]:
    return {role: role.permissions for role in Role}


@pytest.mark.parametrize(("role", "permission"), itertools.product(Role, Permission))
def test_each_role_may_do_exactly_what_its_declaration_lists(role, permission):
    assert allowed([role], permission) == (permission in role.permissions)
    assert allowed([str(role)], str(permission)) == (permission in role.permissions)


@pytest.mark.parametrize(("first", "second"), itertools.combinations(Role, 2))
def test_two_roles_give_the_union_of_their_permissions_unless_both_are_administrators(first, second):
    if first in ADMINISTRATORS and second in ADMINISTRATORS:
        with pytest.raises(SeparationOfDutiesError, match=f"{first.english}.*{second.english}"):
            permissions_of([first, second])
        with pytest.raises(SeparationOfDutiesError):
            allowed([second, first], next(iter(first.permissions)))
    else:
        assert permissions_of([first, second]) == first.permissions | second.permissions


@pytest.mark.parametrize("admin", ADMINISTRATORS)
def test_an_administrators_permissions_are_held_by_no_other_role(admin):
    for permission in admin.permissions:
        assert [role for role in Role if allowed([role], permission)] == [admin]


def test_the_audit_administrator_reads_and_exports_the_audit_trail_and_nothing_else():
    assert permissions_of([Role.AUDIT_ADMIN]) == {Permission.AUDIT_READ, Permission.AUDIT_EXPORT}


def test_viewers_read_the_dagster_ui_and_operators_launch_and_terminate_runs():
    assert allowed([Role.VIEWER], Permission.RUN_VIEW)
    assert not allowed([Role.VIEWER], Permission.RUN_LAUNCH)
    assert not allowed([Role.VIEWER], Permission.RUN_TERMINATE)
    assert allowed([Role.OPERATOR], Permission.RUN_LAUNCH)
    assert allowed([Role.OPERATOR], Permission.RUN_TERMINATE)


def test_every_permission_belongs_to_some_role():
    assert [permission for permission in Permission if not any(allowed([role], permission) for role in Role)] == []


def test_no_roles_may_do_nothing():
    assert permissions_of([]) == frozenset()
    assert not any(allowed([], permission) for permission in Permission)


def test_the_declared_table_keeps_the_administrators_apart():
    check_table(_table())


def test_a_table_where_two_administrators_share_a_permission_is_refused():
    table = _table() | {Role.SECURITY_ADMIN: Role.SECURITY_ADMIN.permissions | {Permission.AUDIT_READ}}
    with pytest.raises(SeparationOfDutiesError, match=r"audit\.read: held by the Security administrator \(安全管理员\)"
                       r" and by the Audit administrator \(审计管理员\)"):
        check_table(table)


def test_a_table_where_an_ordinary_role_holds_an_administrators_permission_is_refused():
    # Else a system administrator who is also an operator would assign roles.
    table = _table() | {Role.OPERATOR: Role.OPERATOR.permissions | {Permission.ROLE_ASSIGN}}
    with pytest.raises(SeparationOfDutiesError, match=r"role\.assign: held by .* and by the Operator \(运维人员\)"):
        check_table(table)


def test_an_administrator_may_also_hold_ordinary_roles():
    check_assignment([Role.SYSTEM_ADMIN, Role.OPERATOR, Role.VIEWER])
    assert allowed(["system_admin", "operator"], "run.launch")


def test_three_administrator_roles_at_once_are_refused_naming_them():
    with pytest.raises(SeparationOfDutiesError, match="系统管理员.*安全管理员.*审计管理员"):
        check_assignment(["audit_admin", "security_admin", "system_admin", "viewer"])


@pytest.mark.parametrize("call", [lambda: allowed(["superuser"], "run.view"), lambda: allowed(["viewer"], "run.veiw")])
def test_unknown_role_and_permission_names_raise_instead_of_quietly_denying(call):
    with pytest.raises(ValueError, match="is not a valid"):
        call()


def test_the_committed_doc_is_the_one_the_table_generates():
    assert DOC.read_text(encoding="utf-8") == markdown(), \
        "docs/permissions.md is out of date: run `uv run python -m hubei_data.control.permissions`"


def test_the_doc_matrix_marks_each_role_and_permission_as_the_table_does():
    matrix = [line for line in markdown().splitlines() if line.startswith("| `") and line.count("|") == len(Role) + 2]
    assert [[cell.strip() for cell in line.strip("|").split("|")] for line in matrix] == [
        [f"`{permission}`", *("✓" if permission in role.permissions else "" for role in Role)]
        for permission in Permission
    ]


def _commands(command: click.Command, path: str):
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            yield from _commands(sub, f"{path} {name}")
    else:
        yield path


def _admin_routes() -> set[str]:
    app = FastAPI()
    admin.add_routes(app, settings=None)
    return {f"{method.upper()} {path}" for path, operations in app.openapi()["paths"].items() for method in operations}


def test_every_command_and_admin_route_is_covered_by_exactly_one_permission_or_is_ones_own():
    covered = [entry for permission in Permission for entry in permission.covers]
    assert len(covered) == len(set(covered))
    assert not set(covered) & set(SELF_SERVICE + OPEN)
    assert set(covered) | set(SELF_SERVICE + OPEN) == (
        set(_commands(main, "hubei-data")) - NOT_PLATFORM_OPERATIONS | _admin_routes())
