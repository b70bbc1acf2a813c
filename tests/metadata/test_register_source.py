"""A harvested table registered as a source from the command line, in a copy of the project: its file pre-filled from
the table, its models generated, the command audited; an unharvested system, an unknown table or an existing source
writes nothing. Its ingest, catalog entry and drift: tests/test_metadata_acceptance.py."""

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
import yaml

from hubei_data import project, registry
from hubei_data.control.permissions import Permission
from tests import people, recall_system


@pytest.fixture
def copied(tmp_path):
    """The project copied to work in."""
    return recall_system.copy_project(tmp_path)


@pytest.fixture
def system(warehouse, fresh_database, monkeypatch, copied):
    """A new business system declared in the copy and connected by its URL, with two tables; its code and URL."""
    info = fresh_database("recall")
    return recall_system.declare(copied, info, monkeypatch), info


def _hubei_data(root: Path, warehouse, *args: str) -> subprocess.CompletedProcess:
    """The command as an operator runs it, on the copied project, as a person allowed to register sources."""
    token = people.token(warehouse, people.role_for(Permission.QUALITY_RULE_CHANGE))
    # A process of its own on the copied project: this one read the repository's sources when it started.
    return subprocess.run([str(Path(sys.executable).parent / "hubei-data"), *args], capture_output=True, text=True,
                          timeout=600, env={**os.environ, project.VARIABLE: str(root), people.TOKEN_VARIABLE: token})


def _audited(warehouse) -> list[tuple]:
    with psycopg.connect(warehouse.url) as conn:
        return conn.execute("select outcome, detail from control.audit_trail where target = %s order by seq",
                            ("hubei-data metadata register",)).fetchall()


def test_a_harvested_table_becomes_a_source_with_its_models(warehouse, system, copied):
    code, _ = system
    before = _audited(warehouse)
    unharvested = _hubei_data(copied, warehouse, "metadata", "register", code, "recall_notice", "--as", "recall")
    assert (unharvested.returncode, unharvested.stderr.strip()) == (
        1, f"Error: system {code} has no metadata yet: `hubei-data metadata harvest {code}` first")

    assert people.invoke(["metadata", "harvest", code]).exit_code == 0
    unknown = _hubei_data(copied, warehouse, "metadata", "register", code, "recall_notices", "--as", "recall")
    assert unknown.returncode == 1
    assert unknown.stderr.strip() == (f"Error: {code} version 1 has no table recall_notices; its tables are:"
                                      " public.recall_notice, public.recall_step")
    assert not (copied / "registry" / "sources" / "recall.yaml").exists()

    done = _hubei_data(copied, warehouse, "metadata", "register", code, "recall_notice", "--as", "recall")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"registry/sources/recall.yaml: source recall from {code} version 1,"
                                  " public.recall_notice; ")
    written = (copied / "registry" / "sources" / "recall.yaml").read_text(encoding="utf-8")
    assert yaml.safe_load(written) == {
        "chinese": "药品召回", "system": code, "channel": "database", "key": ["recall_no"], "table": "recall_notice",
        "resource_code": "420000-SYJ-ZY-0009",
        "columns": {
            "recall_no": {"chinese": "召回编号", "required": True, "length": 20},
            "approval_no": {"chinese": "approval_no", "length": 30, "element": "approval_no"},
            "uscc": {"chinese": "uscc", "length": 18, "element": "uscc"},
            "started_on": {"chinese": "召回开始日期", "type": "date", "required": True},
            "amount": {"chinese": "amount", "type": "decimal"},
            "batches": {"chinese": "batches", "type": "integer"},
            "updated_at": {"chinese": "updated_at", "type": "timestamp", "required": True, "element": "updated_at"},
            "note": {"chinese": "note"},
        },
    }
    assert "  started_on: {chinese: 召回开始日期, type: date, required: true}\n" in written
    models = copied / "dbt_project" / "models"
    for generated in ("raw/raw_recall.sql", "staging/stg_recall.sql", "resource/res_recall.sql",
                      "quarantine/qua_recall.sql"):
        assert (models / generated).is_file(), generated
    assert "recall_no" in (models / "resource" / "res_recall.sql").read_text(encoding="utf-8")
    assert "### recall — 药品召回" in (copied / "docs" / "sources.md").read_text(encoding="utf-8")
    assert not (registry.project_registry() / "sources" / "recall.yaml").exists()
    assert not (project.root() / "dbt_project" / "models" / "raw" / "raw_recall.sql").exists()

    again = _hubei_data(copied, warehouse, "metadata", "register", code, "recall_step", "--as", "recall",
                        "--key", "recall_no", "--key", "step")
    assert (again.returncode, again.stderr.strip()) == (
        1, "Error: source recall is already declared (registry/sources/recall.yaml); nothing written")
    assert (copied / "registry" / "sources" / "recall.yaml").read_text(encoding="utf-8") == written

    audited = _audited(warehouse)[len(before):]
    assert [outcome for outcome, _ in audited] == ["failure", "failure", "success", "failure"]
    assert audited[2][1] | {"system": code, "table": "recall_notice", "name": "recall", "source": "recall"} == \
        audited[2][1]


def test_a_table_without_a_primary_key_needs_one_named_and_a_bad_one_is_refused(warehouse, system, copied):
    code, _ = system
    assert people.invoke(["metadata", "harvest", code]).exit_code == 0
    keyless = _hubei_data(copied, warehouse, "metadata", "register", code, "recall_step")
    assert (keyless.returncode, keyless.stderr.strip()) == (
        1, "Error: public.recall_step has no primary key: name the business key with --key")
    wrong = _hubei_data(copied, warehouse, "metadata", "register", code, "recall_step", "--key", "steps")
    assert (wrong.returncode, wrong.stderr.strip()) == (
        1, "Error: public.recall_step has no column steps to be the key; its columns are: recall_no, step, done_on")
    assert not (copied / "registry" / "sources" / "recall_step.yaml").exists()

    keyed = _hubei_data(copied, warehouse, "metadata", "register", code, "recall_step", "--key", "recall_no",
                        "--key", "step", "--chinese", "召回步骤")
    assert keyed.returncode == 0, keyed.stderr
    declared = registry.load(copied / "registry").sources["recall_step"]
    assert (declared.chinese, declared.key, declared.table) == ("召回步骤", ("recall_no", "step"), None)
