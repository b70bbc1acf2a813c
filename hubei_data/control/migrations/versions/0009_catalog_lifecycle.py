"""Catalog lifecycle (目录登记、变更、审核): every version of every catalog entry and each step of its review,
with the entries the code declared published as their first versions.

Revision ID: 0009
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

STATEMENTS = [
    """
    create table control.catalog_versions (
        code text not null,
        version integer not null check (version > 0),
        kind text not null check (kind in ('table', 'api')),
        target text not null,
        entry jsonb not null,
        status text not null check (status in ('draft', 'submitted', 'published', 'rejected', 'superseded')),
        primary key (code, version)
    )
    """,
    "create unique index catalog_versions_one_published on control.catalog_versions (code) where status = 'published'",
    """
    create unique index catalog_versions_one_open on control.catalog_versions (code)
        where status in ('draft', 'submitted')
    """,
    """
    comment on table control.catalog_versions is
        'Every version of every catalog entry (目录条目) in the government layout with its data items; the published one reaches the catalog list.'
    """,
    """
    create table control.catalog_steps (
        step_id bigserial primary key,
        code text not null,
        version integer not null,
        step text not null check (step in ('registered', 'changed', 'submitted', 'approved', 'rejected')),
        actor text not null,
        at timestamptz not null default now(),
        comment text,
        foreign key (code, version) references control.catalog_versions
    )
    """,
    """
    comment on table control.catalog_steps is
        'Each step of a catalog entry''s review: registered or changed, submitted, approved or rejected, by whom, when and with what comment.'
    """,
]


def upgrade() -> None:
    from hubei_data.catalog.lifecycle import publish_declared

    for statement in STATEMENTS:
        op.execute(statement)
    publish_declared(op.get_bind().connection.driver_connection, "db upgrade 0009")


def downgrade() -> None:
    op.execute("drop table control.catalog_steps, control.catalog_versions")
