"""Rectification tickets (整改工单): one per source and rule while its defect lasts, and one per problem another
department reports on a dataset or record, with every step each took.

Revision ID: 0011
"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

STATEMENTS = [
    """
    create table ops.quality_tickets (
        ticket_id bigint generated always as identity primary key,
        origin text not null check (origin in ('rule', 'report')),
        source text not null,
        rule text not null,
        system text,
        owner text not null,
        vendor text,
        stage text not null default 'new' check (stage in ('new', 'acknowledged', 'in_progress', 'resolved')),
        resolution text check (resolution in ('fixed_at_source', 'false_positive', 'accepted', 'recheck_passed')),
        affected_rows bigint not null check (affected_rows >= 0),
        newest_batch bigint,
        first_seen timestamptz not null,
        last_seen timestamptz not null,
        opened_at timestamptz not null default now(),
        due_at timestamptz not null,
        acknowledged_at timestamptz,
        resolved_at timestamptz,
        reopened integer not null default 0,
        reporter text,
        record_key text,
        report text,
        check ((origin = 'rule') = (newest_batch is not null)),
        check ((origin = 'report') = (reporter is not null and report is not null)),
        check ((stage = 'resolved') = (resolution is not null and resolved_at is not null))
    )
    """,
    "create unique index quality_tickets_one_per_rule on ops.quality_tickets (source, rule) where origin = 'rule'",
    "create index quality_tickets_by_reporter on ops.quality_tickets (reporter) where origin = 'report'",
    """
    create table ops.quality_ticket_steps (
        ticket_id bigint not null references ops.quality_tickets,
        at timestamptz not null default now(),
        actor text not null,
        stage_from text,
        stage_to text not null,
        resolution text,
        affected_rows bigint not null,
        comment text
    )
    """,
    "create index quality_ticket_steps_by_ticket on ops.quality_ticket_steps (ticket_id, at)",
    """
    comment on table ops.quality_tickets is
        'Rectification tickets (整改工单): one per source and rule whose rows the quarantine holds (origin rule), routed to the source system''s owner and vendor with a due date, closed by a recheck that passes and reopened when the defect returns; and one per problem a department reported on a dataset or record (origin report), routed to the dataset''s provider. new → acknowledged → in progress → resolved.'
    """,
    """
    comment on table ops.quality_ticket_steps is
        'Every step of every rectification ticket: who moved it (a person, or the build that rechecked it), from which stage to which, why, and how many rows were affected then.'
    """,
]


def upgrade() -> None:
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    op.execute("drop table ops.quality_ticket_steps")
    op.execute("drop table ops.quality_tickets")
