"""Rectification tickets for failing asset checks: origin `check`, one per asset and check while it fails.

Revision ID: 0014
"""

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

STATEMENTS = [
    "alter table ops.quality_tickets drop constraint quality_tickets_origin_check",
    "alter table ops.quality_tickets add constraint quality_tickets_origin_check"
    " check (origin in ('rule', 'check', 'report'))",
    "drop index ops.quality_tickets_one_per_rule",
    "create unique index quality_tickets_one_per_rule on ops.quality_tickets (source, rule)"
    " where origin in ('rule', 'check')",
    """
    comment on table ops.quality_tickets is
        'Rectification tickets (整改工单): one per source and rule whose rows the quarantine holds (origin rule), routed to the source system''s owner and vendor with a due date, closed by a recheck that passes and reopened when the defect returns; one per asset and check that fails (origin check: source is the asset as layer/name, rule the check), routed to the source''s owner, the dataset''s provider or the operations office, closed when the check passes; and one per problem a department reported on a dataset or record (origin report), routed to the dataset''s provider. new → acknowledged → in progress → resolved.'
    """,
]


def upgrade() -> None:
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    op.execute("delete from ops.quality_ticket_steps where ticket_id in"
               " (select ticket_id from ops.quality_tickets where origin = 'check')")
    op.execute("delete from ops.quality_tickets where origin = 'check'")
    op.execute("alter table ops.quality_tickets drop constraint quality_tickets_origin_check")
    op.execute("alter table ops.quality_tickets add constraint quality_tickets_origin_check"
               " check (origin in ('rule', 'report'))")
    op.execute("drop index ops.quality_tickets_one_per_rule")
    op.execute("create unique index quality_tickets_one_per_rule on ops.quality_tickets (source, rule)"
               " where origin = 'rule'")
