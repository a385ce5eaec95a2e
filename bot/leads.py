"""The lead: the structured, consented record a law firm receives (fields as in the brief),
its lifecycle and events, and its export for staff.

Elsewhere: a lead that cannot be saved waits in `bot.spool`; erasure and retention are in
`bot.privacy`; a lead's outbox rows in `bot.delivery.outbox`."""

from __future__ import annotations

import csv
import io
import json
import uuid
from typing import Any, Iterable

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    false,
    select,
)
from sqlalchemy.orm import Session, relationship

from bot.db import Base, iso, utcnow

STATUSES = ("new", "matched", "delivered", "accepted", "declined", "closed", "needs_sourcing")
CONTACT_FIELDS = ("name", "company", "phone", "email", "wechat_id", "preferred_channel")


class Lead(Base):  # type: ignore[misc]  # SQLAlchemy 1.4 declarative base is untyped
    __tablename__ = "leads"

    id = Column(String(36), primary_key=True, default=lambda: str(uuid.uuid4()))
    # A retried save carries the same key, so it can never make a second lead.
    idempotency_key = Column(String(200), nullable=False, unique=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    channel = Column(String(40), nullable=False, default="rest")
    conversation_id = Column(String(200), nullable=False, index=True)
    language = Column(String(2), nullable=False, default="en")
    topic = Column(String(40))  # None: a call-back asked for before the matter was described
    urgency = Column(String(10), nullable=False, default="normal")
    summary = Column(Text, nullable=False, default="")
    answers = Column(JSON, nullable=False, default=dict)
    contact = Column(JSON, nullable=False, default=dict)
    counterparty = Column(String(200))
    consent = Column(JSON, nullable=False, default=dict)
    status = Column(String(20), nullable=False, default="new")
    matches = Column(JSON, nullable=False, default=list)
    # The user asked to talk to a person: staff call back, however little the lead holds.
    callback_requested = Column(Boolean, nullable=False, default=False, server_default=false())

    # Deleting a lead deletes its events (and, through the backref in bot/delivery/outbox.py, its
    # outbox rows): SQLite does not enforce ON DELETE CASCADE, so the ORM does it.
    events = relationship(
        "LeadEvent", back_populates="lead", cascade="all, delete-orphan", order_by="LeadEvent.id"
    )

    def to_dict(self) -> dict[str, Any]:
        """The lead as exported: one JSON object, fields in the brief's order."""
        return {
            "id": self.id,
            "created_at": iso(self.created_at),
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
            "callback_requested": bool(self.callback_requested),
        }


def save(session: Session, idempotency_key: str, **fields: Any) -> Lead:
    """Saves a lead once: a second call with the same key returns the first lead unchanged."""
    existing: Lead | None = session.execute(
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
    lead: Lead | None = session.get(Lead, lead_id)
    if lead is not None:
        return lead
    candidates: list[Lead] = session.execute(select(Lead).where(Lead.id.startswith(lead_id))).scalars().all()
    return candidates[0] if len(candidates) == 1 else None


def newest_first(session: Session) -> list[Lead]:
    return list(session.execute(select(Lead).order_by(Lead.created_at.desc(), Lead.id)).scalars())


def of_conversation(session: Session, conversation_id: str) -> list[Lead]:
    return list(session.execute(select(Lead).where(Lead.conversation_id == conversation_id)).scalars())


# The lead's lifecycle. A firm that declines sends the lead back to matching (another firm may
# take it); staff can close a lead from any open status.
TRANSITIONS: dict[str, frozenset[str]] = {
    "new": frozenset({"matched", "needs_sourcing", "closed"}),
    "needs_sourcing": frozenset({"matched", "closed"}),
    "matched": frozenset({"matched", "needs_sourcing", "delivered", "closed"}),
    "delivered": frozenset({"accepted", "declined", "closed"}),
    "accepted": frozenset({"closed"}),
    "declined": frozenset({"matched", "needs_sourcing", "closed"}),
    "closed": frozenset(),
}


class LeadEvent(Base):  # type: ignore[misc]  # SQLAlchemy 1.4 declarative base is untyped
    """One timestamped thing that happened to a lead: a status change, or a consent decision.

    A row per event rather than a JSON list on the lead: the bot, staff and the delivery worker
    write them concurrently, and appending a row cannot lose another writer's event.
    """

    __tablename__ = "lead_events"

    id = Column(Integer, primary_key=True, autoincrement=True)
    lead_id = Column(String(36), ForeignKey("leads.id", ondelete="CASCADE"), nullable=False, index=True)
    at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    kind = Column(String(30), nullable=False)  # "status", "share_consented", "share_declined", ...
    status = Column(String(20))
    detail = Column(JSON)

    lead = relationship(Lead, back_populates="events")


def record_event(
    session: Session, lead: Lead, kind: str, detail: Any = None, status: str | None = None
) -> None:
    """Adds an event to the session; the caller's commit makes it part of its transaction."""
    session.add(LeadEvent(lead=lead, at=utcnow(), kind=kind, status=status, detail=detail))


def set_status(session: Session, lead: Lead, status: str, detail: Any = None) -> bool:
    """Moves a lead to `status` if the lifecycle allows it, recording when; does not commit.

    Returns False when the lead already has that status (nothing recorded), so retried calls
    are harmless. Raises ValueError for an unknown status or a move the lifecycle forbids.
    """
    if status not in STATUSES:
        raise ValueError(f"unknown lead status {status!r}: one of {', '.join(STATUSES)}")
    if status == lead.status:
        return False
    if status not in TRANSITIONS.get(lead.status, frozenset()):
        raise ValueError(f"lead {lead.id}: cannot move from {lead.status!r} to {status!r}")
    lead.status = status
    record_event(session, lead, "status", detail=detail, status=status)
    return True


def status_history(session: Session, lead: Lead) -> list[dict[str, Any]]:
    """[{status, at}, ...] oldest first, starting with "new" at the lead's creation."""
    events = session.execute(
        select(LeadEvent)
        .where(LeadEvent.lead_id == lead.id, LeadEvent.kind == "status")
        .order_by(LeadEvent.at, LeadEvent.id)
    ).scalars()
    return [
        {"status": "new", "at": iso(lead.created_at)},
        *({"status": event.status, "at": iso(event.at)} for event in events),
    ]


def events(session: Session, lead: Lead) -> list[dict[str, Any]]:
    """Every event of a lead, oldest first, for staff."""
    rows = session.execute(
        select(LeadEvent).where(LeadEvent.lead_id == lead.id).order_by(LeadEvent.at, LeadEvent.id)
    ).scalars()
    return [{"at": iso(e.at), "kind": e.kind, "status": e.status, "detail": e.detail} for e in rows]


CSV_COLUMNS = (
    "id",
    "created_at",
    "channel",
    "conversation_id",
    "language",
    "topic",
    "urgency",
    "summary",
    *(f"contact.{key}" for key in CONTACT_FIELDS),
    "counterparty",
    "consent.notice_version",
    "consent.given_at",
    "consent.share_with_firms",
    "status",
    "answers",
    "matches",
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
