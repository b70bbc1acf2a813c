"""Column profiles: per build, each resource table column's nulls, distinct values, range, lengths and top values.

Revision ID: 0013
"""

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

STATEMENTS = [
    """
    create table ops.column_profiles (
        table_name text not null,
        column_name text not null,
        run_id text not null,
        at timestamptz not null default now(),
        rows bigint not null check (rows >= 0),
        nulls bigint not null check (nulls >= 0),
        distinct_values bigint not null check (distinct_values >= 0),
        min_value text,
        max_value text,
        min_length integer,
        max_length integer,
        top_values jsonb not null default '[]',
        primary key (table_name, column_name, run_id)
    )
    """,
    "create index column_profiles_history on ops.column_profiles (table_name, column_name, at desc)",
    """
    comment on table ops.column_profiles is
        'Column profiles: after each build that touched a resource table, each of its columns'' rows, nulls, distinct values, smallest and largest value, shortest and longest text and most frequent values; a jump against the recent profiles opens a rectification ticket.'
    """,
]


def upgrade() -> None:
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    op.execute("drop table ops.column_profiles")
