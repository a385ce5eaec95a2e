"""The lead: the structured, consented record a law firm receives (fields as in the brief),
and the operations intake staff and the bot perform on it."""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import datetime, timezone
from typing import Any, Iterable

from sqlalchemy import JSON, Column, DateTime, String, Text, delete, select
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

STATUSES = ("new", "matched", "delivered", "accepted", "declined", "closed", "needs_sourcing")
CONTACT_FIELDS = ("name", "company", "phone", "email", "wechat_id", "preferred_channel")


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


class Lead(Base):
    __tablename__ = "leads"

    id = Column(String(36), primary_key=True, default=lambda: str(uuid.uuid4()))
    # A retried save carries the same key, so it can never make a second lead.
    idempotency_key = Column(String(200), nullable=False, unique=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    channel = Column(String(40), nullable=False, default="rest")
    conversation_id = Column(String(200), nullable=False, index=True)
    language = Column(String(2), nullable=False, default="en")
    topic = Column(String(40), nullable=False)
    urgency = Column(String(10), nullable=False, default="normal")
    summary = Column(Text, nullable=False, default="")
    answers = Column(JSON, nullable=False, default=dict)
    contact = Column(JSON, nullable=False, default=dict)
    counterparty = Column(String(200))
    consent = Column(JSON, nullable=False, default=dict)
    status = Column(String(20), nullable=False, default="new")
    matches = Column(JSON, nullable=False, default=list)

    def to_dict(self) -> dict[str, Any]:
        """The lead as exported: one JSON object, fields in the brief's order."""
        created = self.created_at
        if created is not None and created.tzinfo is None:  # SQLite drops the zone: it is UTC
            created = created.replace(tzinfo=timezone.utc)
        return {
            "id": self.id,
            "created_at": created.isoformat().replace("+00:00", "Z") if created else None,
            "channel": self.channel,
            "conversation_id": self.conversation_id,
            "language": self.language,
            "topic": self.topic,
            "urgency": self.urgency,
            "summary": self.summary,
            "answers": self.answers or {},
            "contact": {key: (self.contact or {}).get(key) for key in CONTACT_FIELDS},
            "counterparty": self.counterparty,
            "consent": self.consent or {},
            "status": self.status,
            "matches": self.matches or [],
        }


def save(session: Session, idempotency_key: str, **fields: Any) -> Lead:
    """Saves a lead once: a second call with the same key returns the first lead unchanged."""
    existing = session.execute(
        select(Lead).where(Lead.idempotency_key == idempotency_key)
    ).scalar_one_or_none()
    if existing is not None:
        return existing
    lead = Lead(idempotency_key=idempotency_key, **fields)
    session.add(lead)
    session.commit()
    return lead


def find(session: Session, lead_id: str) -> Lead | None:
    """A lead by its id, or by a unique prefix of it (as staff type it from `leads list`)."""
    lead = session.get(Lead, lead_id)
    if lead is not None:
        return lead
    candidates = session.execute(select(Lead).where(Lead.id.startswith(lead_id))).scalars().all()
    return candidates[0] if len(candidates) == 1 else None


def newest_first(session: Session) -> list[Lead]:
    return list(session.execute(select(Lead).order_by(Lead.created_at.desc(), Lead.id)).scalars())


def of_conversation(session: Session, conversation_id: str) -> list[Lead]:
    return list(
        session.execute(select(Lead).where(Lead.conversation_id == conversation_id)).scalars()
    )


def erase_conversation(session: Session, conversation_id: str) -> int:
    """Deletes every lead of a conversation (the user's right to erasure); returns how many."""
    result = session.execute(delete(Lead).where(Lead.conversation_id == conversation_id))
    session.commit()
    return result.rowcount or 0


CSV_COLUMNS = (
    "id", "created_at", "channel", "conversation_id", "language", "topic", "urgency", "summary",
    *(f"contact.{key}" for key in CONTACT_FIELDS),
    "counterparty", "consent.notice_version", "consent.given_at", "consent.share_with_firms",
    "status", "answers", "matches",
)


def export(leads: Iterable[Lead], fmt: str) -> str:
    """`jsonl`: one JSON object per line; `csv`: one row per lead, nested fields flattened."""
    rows = [lead.to_dict() for lead in leads]
    if fmt == "jsonl":
        return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    if fmt != "csv":
        raise ValueError(f"unknown export format {fmt!r}: use jsonl or csv")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        flat = []
        for column in CSV_COLUMNS:
            head, _, tail = column.partition(".")
            value = row[head].get(tail) if tail else row[head]
            flat.append(json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else value)
        writer.writerow(flat)
    return out.getvalue()
