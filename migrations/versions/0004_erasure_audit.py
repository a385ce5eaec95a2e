"""Erasure: the audit of erasures (what kind, how many, at whose request, never what), the
tombstones of erased leads' idempotency keys (a spooled copy is never saved again), and erasure
notices in the outbox (a delivery row of kind "erasure", without a lead).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "erasure_audit",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(20), nullable=False),
        sa.Column("scope", sa.String(20), nullable=False),
        sa.Column("counts", sa.JSON, nullable=False),
        sa.Column("lead_ids", sa.JSON, nullable=False),
    )
    op.create_table(
        "erased_keys",
        sa.Column("key_hash", sa.String(64), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    # Batch mode: SQLite cannot change a column's nullability in place (it copies the table).
    with op.batch_alter_table("deliveries") as batch:
        batch.add_column(sa.Column("kind", sa.String(20), nullable=False, server_default="lead"))
        batch.alter_column("lead_id", existing_type=sa.String(36), nullable=True)


def downgrade() -> None:
    op.execute("delete from deliveries where lead_id is null")
    with op.batch_alter_table("deliveries") as batch:
        batch.alter_column("lead_id", existing_type=sa.String(36), nullable=False)
        batch.drop_column("kind")
    op.drop_table("erased_keys")
    op.drop_table("erasure_audit")
