"""Which builds' rows of each subject and share table pandera has verified, and against what.

Revision ID: 0007
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

STATEMENTS = [
    """
    create table ops.verified_syncs (
        table_name text not null,
        sync_id text not null,
        verified_against text not null,
        verified_at timestamptz not null default now(),
        primary key (table_name, sync_id)
    )
    """,
    """
    comment on table ops.verified_syncs is
        'The builds (sync ids) whose rows of a subject or share table passed its pandera check, and the fingerprint of the schema and dbt model they passed against.'
    """,
]


def upgrade() -> None:
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    op.execute("drop table ops.verified_syncs")
