"""Schema drift seen in a system's table is one channel, `table`, whether a harvest or a daily extract saw it.

Revision ID: 0012
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

COMMENT = ("One row per distinct difference between a source''s contract and what its system''s table ({channel})"
           " or a landed file (file) showed: the diff, whether it breaks landing, where it was first and last seen,"
           " and when an observation matching the contract again resolved it.")


def _channels(old: str, new: str) -> list[str]:
    return [
        "alter table ops.schema_drift drop constraint schema_drift_channel_check",
        f"update ops.schema_drift set channel = '{new}' where channel = '{old}'",
        f"alter table ops.schema_drift add constraint schema_drift_channel_check check (channel in ('{new}', 'file'))",
    ]


def upgrade() -> None:
    for statement in _channels("harvest", "table"):
        op.execute(statement)
    op.execute(f"comment on table ops.schema_drift is '{COMMENT.format(channel='table: a harvest or an extract')}'")


def downgrade() -> None:
    for statement in _channels("table", "harvest"):
        op.execute(statement)
    op.execute(f"comment on table ops.schema_drift is '{COMMENT.format(channel='harvest')}'")
