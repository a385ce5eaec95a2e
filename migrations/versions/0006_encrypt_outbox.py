"""Encryption at rest for the outbox: a delivery's payload is a full copy of the lead as the firm
receives it (name, phone, email, what happened), and its last error may quote a firm's answer
that echoes the lead; both become Fernet tokens in TEXT columns (bot/crypto.py), like the
leads' columns in 0005. Existing rows are encrypted here, with the keys `lawbot` uses
(LAWBOT_ENCRYPTION_KEYS, or the embedded profile's key file).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

from bot import crypto

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

ENCRYPTED = ("payload", "last_error")
DELIVERIES = sa.table("deliveries", sa.column("id", sa.Integer), *(sa.column(n, sa.Text) for n in ENCRYPTED))

# Stored before: JSON text (payload) or plain text (last_error).
_WAS_JSON = {"payload"}


def _seal(name: str, value: str | None) -> str | None:
    if value is None or crypto.is_token(value):
        return value
    plain = json.loads(value) if name in _WAS_JSON else value
    return crypto.encrypt(json.dumps(plain, ensure_ascii=False))


def _open(name: str, value: str | None) -> str | None:
    if value is None or not crypto.is_token(value):
        return value
    plain: Any = json.loads(crypto.decrypt(value))
    return json.dumps(plain, ensure_ascii=False) if name in _WAS_JSON else plain


def _rewrite(change: Any) -> None:
    bind = op.get_bind()
    for row in bind.execute(sa.select(DELIVERIES)).mappings().all():
        values = {name: change(name, row[name]) for name in ENCRYPTED}
        if values != {name: row[name] for name in ENCRYPTED}:
            bind.execute(DELIVERIES.update().where(DELIVERIES.c.id == row["id"]).values(**values))


def upgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.alter_column(
            "payload",
            existing_type=sa.JSON,
            type_=sa.Text,
            existing_nullable=False,
            postgresql_using="payload::text",
        )
    _rewrite(_seal)


def downgrade() -> None:
    _rewrite(_open)
    with op.batch_alter_table("deliveries") as batch:
        batch.alter_column(
            "payload",
            existing_type=sa.Text,
            type_=sa.JSON,
            existing_nullable=False,
            postgresql_using="payload::json",
        )
