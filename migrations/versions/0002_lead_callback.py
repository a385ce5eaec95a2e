"""Leads remember whether the user asked a person to call back (handoff); a call-back can be
requested before the matter has a topic, so the topic may be empty.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("leads") as batch:
        batch.add_column(
            sa.Column("callback_requested", sa.Boolean, nullable=False, server_default=sa.false())
        )
        batch.alter_column("topic", existing_type=sa.String(40), nullable=True)


def downgrade() -> None:
    with op.batch_alter_table("leads") as batch:
        batch.alter_column("topic", existing_type=sa.String(40), nullable=False)
        batch.drop_column("callback_requested")
