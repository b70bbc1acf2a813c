"""A new business system for tests: a copy of the project to register its tables in, and a database of its own
with two tables, declared in the copy's _systems.yaml and connected by its URL, as the README tells a user."""

import shutil
import uuid
from pathlib import Path

import psycopg

from hubei_data import project, registry

SYSTEM_SQL = """
create table recall_notice (
    recall_no varchar(20) primary key,
    approval_no varchar(30),
    uscc char(18),
    started_on date not null,
    amount numeric(12, 2),
    batches integer,
    updated_at timestamp not null,
    note text
);
comment on table recall_notice is '药品召回';
comment on column recall_notice.recall_no is '召回编号';
comment on column recall_notice.started_on is '召回开始日期';
create table recall_step (recall_no varchar(20), step integer, done_on date);
"""


def copy_project(folder: Path) -> Path:
    """The project's registry, dbt project and docs copied into `folder`, the way HUBEI_DATA_PROJECT_DIR names one."""
    root = folder / "project"
    shutil.copytree(registry.project_registry(), root / "registry")
    shutil.copytree(project.root() / "dbt_project", root / "dbt_project", ignore=shutil.ignore_patterns("target", "logs"))
    (root / "docs").mkdir()
    shutil.copy(project.root() / "docs" / "sources.md", root / "docs" / "sources.md")
    return root


def declare(root: Path, info, monkeypatch) -> str:
    """The drug recall system's tables made in the database `info`, the system declared in the copy at `root` and
    connected by its URL; its code, new each time."""
    with psycopg.connect(info.url, autocommit=True) as conn:
        conn.execute(SYSTEM_SQL)
    code = f"rc{uuid.uuid4().hex[:6]}"
    monkeypatch.setenv(f"HUBEI_DATA_SYSTEM_{code.upper()}_URL", info.sqlalchemy_url)
    with (root / "registry" / "sources" / "_systems.yaml").open("a", encoding="utf-8") as systems:
        systems.write(f"{code}: {{chinese: 药品召回系统, english: drug recall system, owner: drug_regulator}}\n")
    return code
