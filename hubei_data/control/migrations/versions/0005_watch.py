"""Watching the platform: probe samples, alerts while a condition lasts, and the messages they queue.

Revision ID: 0005
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

STATEMENTS = [
    """
    create table ops.samples (
        at timestamptz not null,
        probe text not null,
        target text not null,
        value double precision,
        ok boolean not null,
        detail text not null default ''
    )
    """,
    "create index on ops.samples (probe, target, at desc)",
    "create index on ops.samples (at)",
    "comment on table ops.samples is 'Every probe reading: host, warehouse, endpoints; the monitoring time series.'",
    """
    create table ops.alerts (
        alert_id bigserial primary key,
        rule text not null,
        target text not null,
        severity text not null check (severity in ('critical', 'warning', 'reminder')),
        message text not null,
        office text not null,
        opened_at timestamptz not null,
        last_seen timestamptz not null,
        resolved_at timestamptz
    )
    """,
    "create unique index alerts_one_open on ops.alerts (rule, target) where resolved_at is null",
    "comment on table ops.alerts is 'One row per condition while it lasts: opened, last seen, resolved.'",
    """
    create table ops.notifications (
        notification_id bigserial primary key,
        alert_id bigint references ops.alerts,
        kind text not null check (kind in ('firing', 'resolved', 'reminder')),
        channel text not null check (channel in ('email', 'webhook')),
        recipient text not null,
        subject text not null,
        body text not null,
        created_at timestamptz not null,
        next_attempt_at timestamptz not null,
        attempts integer not null default 0,
        sent_at timestamptz,
        last_error text
    )
    """,
    "create index notifications_due on ops.notifications (next_attempt_at) where sent_at is null",
    """
    comment on table ops.notifications is
        'Messages to e-mail addresses and robot webhooks (by the variable naming the URL), kept until delivered.'
    """,
]


def upgrade() -> None:
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    for table in ("notifications", "alerts", "samples"):
        op.execute(f"drop table ops.{table}")
