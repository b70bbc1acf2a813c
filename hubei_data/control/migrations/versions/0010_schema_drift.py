"""Schema drift (元数据漂移): each way a source's harvested table or landed file differs from its contract.

Revision ID: 0010
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

STATEMENTS = [
    """
    create table ops.schema_drift (
        finding_id bigint generated always as identity primary key,
        source text not null,
        system text not null,
        channel text not null check (channel in ('harvest', 'file')),
        observed_in text not null,
        diff jsonb not null,
        digest text not null,
        breaking boolean not null,
        found_at timestamptz not null default now(),
        last_seen_at timestamptz not null default now(),
        last_seen_in text not null,
        resolved_at timestamptz,
        resolved_in text
    )
    """,
    """
    create unique index schema_drift_one_per_diff on ops.schema_drift (source, channel, digest)
    """,
    """
    comment on table ops.schema_drift is
        'One row per distinct difference between a source''s contract and what its system''s table (harvest) or a landed file (file) showed: the diff, whether it breaks landing, where it was first and last seen, and when an observation matching the contract again resolved it.'
    """,
]


def upgrade() -> None:
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    op.execute("drop table ops.schema_drift")
