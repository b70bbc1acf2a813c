"""The audit trail: append-only, hash-chained; the platform's role may add and read rows, never change them.

Revision ID: 0002
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

STATEMENTS = [
    """
    create table control.audit_trail (
        seq bigint primary key check (seq >= 1),
        at timestamptz not null,
        actor text not null,
        source text not null,
        action text not null,
        target text not null,
        outcome text not null,
        detail jsonb not null default '{}',
        algorithm text not null,
        previous_digest text not null,
        digest text not null
    )
    """,
    """
    comment on table control.audit_trail is
        'Who did what, when, from where, on which object, and how it ended. Each digest covers the row and'
        ' the previous digest: hubei-data audit verify names any edited or deleted row.'
    """,
    "revoke update, delete, truncate on control.audit_trail from current_user",
    """
    create function control.refuse_audit_change() returns trigger language plpgsql as $$
    begin
        raise exception 'the audit trail is append-only: % refused', tg_op;
    end
    $$
    """,
    """
    create trigger audit_trail_rows_stay before update or delete on control.audit_trail
        for each row execute function control.refuse_audit_change()
    """,
    """
    create trigger audit_trail_stays before truncate on control.audit_trail
        for each statement execute function control.refuse_audit_change()
    """,
]


def upgrade() -> None:
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    raise NotImplementedError("the audit trail is never dropped")
