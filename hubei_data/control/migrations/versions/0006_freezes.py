"""Freezes: an asset, bureau feed or subscription an operator stopped, by whom, why, and when it was released.

Revision ID: 0006
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

STATEMENTS = [
    """
    create table ops.freezes (
        freeze_id bigserial primary key,
        kind text not null check (kind in ('asset', 'feed', 'subscription')),
        name text not null,
        reason text not null check (reason <> ''),
        frozen_by text not null,
        frozen_at timestamptz not null default now(),
        unfrozen_by text,
        unfrozen_at timestamptz,
        check ((unfrozen_by is null) = (unfrozen_at is null))
    )
    """,
    "create unique index freezes_one_open on ops.freezes (kind, name) where unfrozen_at is null",
    """
    comment on table ops.freezes is
        'Every freeze and its release; a row not yet unfrozen is in force: schedules and sensors skip the thing, pushes send nothing.'
    """,
]


def upgrade() -> None:
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    op.execute("drop table ops.freezes")
