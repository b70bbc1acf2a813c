"""Backups and restore drills: what was backed up, where, how it ended, and whether a restore gave back what was saved.

Revision ID: 0004
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

STATEMENTS = [
    "create schema ops",
    """
    create table ops.backups (
        backup_id text primary key,
        requested_by text not null,
        directory text not null,
        started_at timestamptz not null default now(),
        finished_at timestamptz,
        status text not null check (status in ('running', 'succeeded', 'failed', 'pruned')),
        size_bytes bigint,
        sha256 text,
        schema_revision text,
        tables integer,
        rows bigint,
        error text,
        pruned_at timestamptz
    )
    """,
    "create index on ops.backups (started_at desc)",
    """
    comment on table ops.backups is
        'Every backup of the warehouse (hubei-data backup run, daily_backup_schedule): where its dump and manifest'
        ' went, their size and SHA-256, and how it ended; a failed one is an alert, pruned ones were removed by'
        ' the retention policy.'
    """,
    """
    create table ops.drills (
        drill_id bigserial primary key,
        backup_id text not null,
        kind text not null check (kind in ('drill', 'restore')),
        target text not null,
        requested_by text not null,
        started_at timestamptz not null default now(),
        finished_at timestamptz,
        status text not null check (status in ('running', 'matched', 'disagreed', 'failed')),
        tables integer,
        mismatches jsonb not null default '[]',
        error text
    )
    """,
    "create index on ops.drills (started_at desc)",
    """
    comment on table ops.drills is
        'Every restore of a backup, into a scratch database (drill) or a named one (restore), and whether each'
        ' table came back with the rows and checksum its manifest recorded; disagreed and failed are alerts.'
    """,
]


def upgrade() -> None:
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    op.execute("drop schema ops cascade")
