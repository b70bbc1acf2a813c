"""Applications for data through either channel: a data API grant, or a subscription into a front-end database.

`api.grants` held only data API applications, each for a consumer and an API. A front-end database (前置库)
application names a share dataset and a department instead, and `delivery` holds where its rows go; approving it
declares the subscription `delivery->>'subscription'`. `applied_by` is the person who applied through the portal.

Revision ID: 0015
"""

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

STATEMENTS = [
    "alter table api.grants add column channel text not null default 'api'"
    " check (channel in ('api', 'front_end'))",
    "alter table api.grants add column dataset text",
    "alter table api.grants add column department text",
    "alter table api.grants add column applied_by text",
    "alter table api.grants add column delivery jsonb",
    "alter table api.grants alter column app_key drop not null",
    "alter table api.grants alter column api drop not null",
    "alter table api.grants add constraint grants_channel_shape check ("
    " (channel = 'api' and app_key is not null and api is not null)"
    " or (channel = 'front_end' and dataset is not null and department is not null and delivery is not null))",
    "create index grants_applied_by on api.grants (applied_by)",
    """
    comment on table api.grants is
        'Applications for data and the grants they became: through the data API (channel api: a consumer and an API, answered with fields, rows and a rate) or into a department''s front-end database (channel front_end: a share dataset, its fields and rows, delivery naming the target variable, table, mode and, once approved, the subscription declared). pending → approved | rejected; approved → revoked.'
    """,
]


def upgrade() -> None:
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    op.execute("delete from api.grants where channel = 'front_end'")
    op.execute("drop index api.grants_applied_by")
    op.execute("alter table api.grants drop constraint grants_channel_shape")
    op.execute("alter table api.grants alter column api set not null")
    op.execute("alter table api.grants alter column app_key set not null")
    for column in ("delivery", "applied_by", "department", "dataset", "channel"):
        op.execute(f"alter table api.grants drop column {column}")
