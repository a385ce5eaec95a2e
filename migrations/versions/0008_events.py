"""The event consumer's table (bot/events.py): per conversation, counts, names and times read
from Rasa's tracker events for the staff dashboard; nothing a user typed.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "conversation_activity",
        sa.Column("conversation_id", sa.String(200), primary_key=True),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_event_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_messages", sa.Integer, nullable=False),
        sa.Column("bot_messages", sa.Integer, nullable=False),
        sa.Column("last_intent", sa.String(100)),
        sa.Column("last_action", sa.String(100)),
        sa.Column("active_form", sa.String(100)),
    )
    op.create_index("ix_conversation_activity_last_event_at", "conversation_activity", ["last_event_at"])


def downgrade() -> None:
    op.drop_table("conversation_activity")
