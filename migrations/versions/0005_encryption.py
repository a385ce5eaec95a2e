"""Encryption at rest: what the user said (summary, answers, contact details, the other party)
and the lead events' details become Fernet tokens in TEXT columns (bot/crypto.py); keyed
hashes of the phone and the email are added for exact search and the daily limit; the
conversation id is as long as Rasa's sender id. Existing rows are encrypted here, with the keys
`lawbot` uses (LAWBOT_ENCRYPTION_KEYS, or the embedded profile's key file).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

from bot import crypto

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

ENCRYPTED = ("summary", "answers", "contact", "counterparty")
LEADS = sa.table("leads", sa.column("id", sa.String), *(sa.column(name, sa.Text) for name in ENCRYPTED))
EVENTS = sa.table("lead_events", sa.column("id", sa.Integer), sa.column("detail", sa.Text))
HASHES = sa.table("leads", sa.column("id", sa.String), sa.column("phone_hash"), sa.column("email_hash"))

# Stored before: JSON text (answers, contact, detail) or plain text (summary, counterparty).
_WAS_JSON = {"answers", "contact", "detail"}


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


def _rewrite(table: sa.Table, names: tuple[str, ...], change: Any) -> None:
    bind = op.get_bind()
    for row in bind.execute(sa.select(table)).mappings().all():
        values = {name: change(name, row[name]) for name in names}
        if values != {name: row[name] for name in names}:
            bind.execute(table.update().where(table.c.id == row["id"]).values(**values))


def upgrade() -> None:
    with op.batch_alter_table("leads") as batch:
        batch.alter_column(
            "conversation_id", existing_type=sa.String(200), type_=sa.String(255), existing_nullable=False
        )
        for name in ("answers", "contact"):
            batch.alter_column(
                name,
                existing_type=sa.JSON,
                type_=sa.Text,
                existing_nullable=False,
                postgresql_using=f"{name}::text",
            )
        batch.alter_column(
            "counterparty", existing_type=sa.String(200), type_=sa.Text, existing_nullable=True
        )
        batch.add_column(sa.Column("phone_hash", sa.String(64)))
        batch.add_column(sa.Column("email_hash", sa.String(64)))
        batch.create_index("ix_leads_phone_hash", ["phone_hash"])
        batch.create_index("ix_leads_email_hash", ["email_hash"])
    with op.batch_alter_table("lead_events") as batch:
        batch.alter_column("detail", existing_type=sa.JSON, type_=sa.Text, postgresql_using="detail::text")

    bind = op.get_bind()
    for row in bind.execute(sa.select(LEADS.c.id, LEADS.c.contact)).all():
        contact = json.loads(row.contact) if row.contact and not crypto.is_token(row.contact) else {}
        bind.execute(
            HASHES.update()
            .where(HASHES.c.id == row.id)
            .values(
                phone_hash=crypto.phone_hash(contact.get("phone")),
                email_hash=crypto.email_hash(contact.get("email")),
            )
        )
    _rewrite(LEADS, ENCRYPTED, _seal)
    _rewrite(EVENTS, ("detail",), _seal)


def downgrade() -> None:
    _rewrite(LEADS, ENCRYPTED, _open)
    _rewrite(EVENTS, ("detail",), _open)
    with op.batch_alter_table("lead_events") as batch:
        batch.alter_column("detail", existing_type=sa.Text, type_=sa.JSON, postgresql_using="detail::json")
    with op.batch_alter_table("leads") as batch:
        batch.drop_index("ix_leads_email_hash")
        batch.drop_index("ix_leads_phone_hash")
        batch.drop_column("email_hash")
        batch.drop_column("phone_hash")
        batch.alter_column(
            "counterparty", existing_type=sa.Text, type_=sa.String(200), existing_nullable=True
        )
        for name in ("answers", "contact"):
            batch.alter_column(
                name,
                existing_type=sa.Text,
                type_=sa.JSON,
                existing_nullable=False,
                postgresql_using=f"{name}::json",
            )
        batch.alter_column(
            "conversation_id", existing_type=sa.String(255), type_=sa.String(200), existing_nullable=False
        )
