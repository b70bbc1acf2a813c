"""People, their sessions and the platform's settings: who may log in, with which roles, under which rules.

Revision ID: 0003
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

STATEMENTS = [
    """
    create table control.people (
        username text primary key check (username ~ '^[a-z][a-z0-9_.-]{1,31}$'),
        display_name text not null default '',
        roles text[] not null default '{}',
        disabled boolean not null default false,
        must_change_password boolean not null default true,
        password_hash text not null,
        password_changed_at timestamptz not null,
        created_at timestamptz not null default now(),
        created_by text not null
    )
    """,
    "comment on table control.people is 'Everyone who may log in, their roles (docs/permissions.md) and password state.'",
    """
    create table control.password_history (
        username text not null references control.people on delete cascade,
        password_hash text not null,
        set_at timestamptz not null
    )
    """,
    "create index on control.password_history (username, set_at desc)",
    """
    create table control.login_failures (
        username text not null references control.people on delete cascade,
        at timestamptz not null
    )
    """,
    "create index on control.login_failures (username, at)",
    """
    create table control.sessions (
        token_digest text primary key,
        username text not null references control.people on delete cascade,
        kind text not null check (kind in ('web', 'cli', 'service')),
        source text not null,
        created_at timestamptz not null,
        last_seen timestamptz not null,
        expires_at timestamptz,
        ended_at timestamptz
    )
    """,
    "create index on control.sessions (username) where ended_at is null",
    """
    comment on table control.sessions is
        'Logins: only a digest of each token is kept. Web and CLI sessions end after the idle time the'
        ' password policy sets; service tokens at expires_at.'
    """,
    """
    create table control.settings (
        key text primary key,
        value jsonb not null,
        changed_at timestamptz not null,
        changed_by text not null
    )
    """,
    "comment on table control.settings is 'Settings people change at run time, such as the password policy.'",
]


def upgrade() -> None:
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    for table in ("settings", "sessions", "login_failures", "password_history", "people"):
        op.execute(f"drop table control.{table}")
