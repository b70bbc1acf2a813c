"""Metadata harvests (元数据采集): each business system's schemas, tables and columns, kept version by version.

Revision ID: 0008
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

STATEMENTS = [
    """
    create table ops.metadata_versions (
        system text not null,
        version integer not null check (version > 0),
        harvested_at timestamptz not null default now(),
        harvested_by text not null,
        origin text not null,
        scope text not null,
        digest text not null,
        confirmed_at timestamptz not null default now(),
        primary key (system, version)
    )
    """,
    """
    comment on table ops.metadata_versions is
        'One row per distinct state of a business system''s metadata: who harvested it, from where (password hidden), what that harvest read, and when a later harvest last found it unchanged.'
    """,
    """
    create table ops.metadata_tables (
        system text not null,
        version integer not null,
        schema_name text not null,
        table_name text not null,
        kind text not null check (kind in ('table', 'view', 'materialized view')),
        comment text,
        primary_key text[] not null,
        foreign_keys jsonb not null,
        primary key (system, version, schema_name, table_name),
        foreign key (system, version) references ops.metadata_versions on delete cascade
    )
    """,
    """
    comment on table ops.metadata_tables is
        'The tables and views of a system as one metadata version knows them, with comment, primary key and foreign keys.'
    """,
    """
    create table ops.metadata_columns (
        system text not null,
        version integer not null,
        schema_name text not null,
        table_name text not null,
        column_name text not null,
        position integer not null,
        data_type text not null,
        type_name text not null,
        length integer,
        numeric_precision integer,
        numeric_scale integer,
        nullable boolean not null,
        default_value text,
        comment text,
        primary key (system, version, schema_name, table_name, column_name),
        foreign key (system, version, schema_name, table_name) references ops.metadata_tables on delete cascade
    )
    """,
    """
    comment on table ops.metadata_columns is
        'The columns of each table of a metadata version: the type as the system says it and its base name, length, precision and scale, nullability, default and comment.'
    """,
]


def upgrade() -> None:
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    op.execute("drop table ops.metadata_columns, ops.metadata_tables, ops.metadata_versions")
