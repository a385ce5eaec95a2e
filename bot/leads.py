"""The lead: the structured, consented record a law firm receives (fields as in the brief),
its lifecycle and events, and its export for staff.

Elsewhere: a lead that cannot be saved waits in `bot.spool`; erasure and retention are in
`bot.privacy`; a lead's outbox rows in `bot.delivery.outbox`. Encryption of what the user
said, and the keyed hashes that find a phone or email, are in `bot.crypto`.

Longer than 300 lines: the lead's table, its save rules (column sizes, the daily limit per
contact), its lookups (exact id, staff search) and its export change together with the model."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import uuid
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any, Iterable

import yaml
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    String,
    false,
    func,
    or_,
    select,
)
from sqlalchemy.orm import Session, relationship, validates

from bot import crypto, spreadsheet
from bot.crypto import EncryptedJSON
from bot.db import Base, as_utc, iso, utcnow
from bot.settings import load as load_settings


class LeadRejected(ValueError):
    """A lead the database must not take as it is (a field longer than its column)."""


class TooManyLeads(Exception):
    """The contact (phone or email) already left `Settings.leads_per_contact_per_day` leads in
    the last 24 hours: a person does not have that many new matters a day; fake leads must not
    reach real firms (the caller answers politely, `refusal`; nothing is saved)."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"{limit} leads from this contact in the last 24 hours")
        self.limit = limit


STATUSES = ("new", "matched", "delivered", "accepted", "declined", "closed", "needs_sourcing")
CONTACT_FIELDS = ("name", "company", "phone", "email", "wechat_id", "preferred_channel")


class Lead(Base):  # type: ignore[misc]  # SQLAlchemy 1.4 declarative base is untyped
    __tablename__ = "leads"

    id = Column(String(36), primary_key=True, default=lambda: str(uuid.uuid4()))
    # A retried save carries the same key, so it can never make a second lead.
    idempotency_key = Column(String(200), nullable=False, unique=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    channel = Column(String(40), nullable=False, default="rest")
    # As long as Rasa's own sender_id column, so every conversation the tracker store holds fits.
    conversation_id = Column(String(255), nullable=False, index=True)
    language = Column(String(2), nullable=False, default="en")
    topic = Column(String(40))  # None: a call-back asked for before the matter was described
    urgency = Column(String(10), nullable=False, default="normal")
    # What the user said, encrypted at rest (bot/crypto.py): read and written as JSON values.
    summary = Column(EncryptedJSON, nullable=False, default="")
    answers = Column(EncryptedJSON, nullable=False, default=dict)
    contact = Column(EncryptedJSON, nullable=False, default=dict)
    counterparty = Column(EncryptedJSON)
    # Keyed hashes of the normalised phone and email (bot/crypto.py), set with `contact`: the
    # staff console's exact search, and the daily limit per contact, without decrypting.
    phone_hash = Column(String(64), index=True)
    email_hash = Column(String(64), index=True)
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

    @validates("contact")  # type: ignore[untyped-decorator]  # SQLAlchemy 1.4 is untyped
    def _hash_contact(self, _key: str, contact: dict[str, Any] | None) -> dict[str, Any] | None:
        self.phone_hash = crypto.phone_hash((contact or {}).get("phone"))
        self.email_hash = crypto.email_hash((contact or {}).get("email"))
        return contact

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


def save(session: Session, idempotency_key: str, *, limit: int | None = None, **fields: Any) -> Lead:
    """Saves a lead once: a second call with the same key returns the first lead unchanged.

    `limit`: leads a contact (phone or email) may leave in 24 hours (Settings.
    leads_per_contact_per_day by default; 0: no limit); one more raises TooManyLeads. A field
    longer than its column raises LeadRejected (a too-long idempotency key is hashed instead)."""
    if len(idempotency_key) > Lead.idempotency_key.type.length:
        idempotency_key = "sha256:" + hashlib.sha256(idempotency_key.encode()).hexdigest()
    existing: Lead | None = session.execute(
        select(Lead).where(Lead.idempotency_key == idempotency_key)
    ).scalar_one_or_none()
    if existing is not None:
        return existing
    _check_lengths(fields)
    lead = Lead(idempotency_key=idempotency_key, **fields)
    limit = load_settings().leads_per_contact_per_day if limit is None else limit
    if limit > 0 and _recent(session, lead, as_utc(fields.get("created_at")) or utcnow()) >= limit:
        raise TooManyLeads(limit)
    session.add(lead)
    session.commit()
    return lead


@cache
def _texts() -> dict[str, dict[str, str]]:
    loaded = yaml.safe_load(
        (Path(__file__).parent / "knowledge" / "messages.yml").read_text(encoding="utf-8")
    )
    texts: dict[str, dict[str, str]] = loaded["leads"]
    return texts


def refusal(error: TooManyLeads | LeadRejected, language: str) -> str:
    """What the user is told when `save` refused their confirmed lead (en or zh)."""
    language = language if language in ("en", "zh") else "en"
    if isinstance(error, TooManyLeads):
        return _texts()["too_many_today"][language].format(limit=error.limit)
    return _texts()["not_saved"][language]


def _check_lengths(fields: dict[str, Any]) -> None:
    """Rejects here, not as a database error (PostgreSQL enforces VARCHAR sizes, SQLite does
    not), a value longer than its column."""
    for name, value in fields.items():
        column = Lead.__table__.columns.get(name)
        length = getattr(getattr(column, "type", None), "length", None)
        if isinstance(value, str) and length is not None and len(value) > length:
            raise LeadRejected(f"lead field {name!r} is longer than {length} characters")


def _recent(session: Session, lead: Lead, now: datetime) -> int:
    """Leads with this lead's phone or email created in the 24 hours before `now`."""
    same = [
        column == value
        for column, value in ((Lead.phone_hash, lead.phone_hash), (Lead.email_hash, lead.email_hash))
        if value
    ]
    if not same:
        return 0
    query = (
        select(func.count()).select_from(Lead).where(or_(*same), Lead.created_at > now - timedelta(days=1))
    )
    return int(session.execute(query).scalar_one())


def find(session: Session, lead_id: str, conversation_id: str | None = None) -> Lead | None:
    """A lead by its exact id (what actions hold in the `lead_id` slot); with `conversation_id`,
    only when the lead belongs to that conversation."""
    lead: Lead | None = session.get(Lead, lead_id) if lead_id else None
    if lead is None or (conversation_id is not None and lead.conversation_id != conversation_id):
        return None
    return lead


def find_by_prefix(session: Session, lead_id: str) -> Lead | None:
    """A lead by its id or a unique prefix of it, as staff type it from `leads list` (the CLI only)."""
    lead = find(session, lead_id)
    if lead is not None or len(lead_id) < 4:
        return lead
    query = select(Lead).where(Lead.id.startswith(lead_id, autoescape=True)).limit(2)
    candidates: list[Lead] = list(session.execute(query).scalars())
    return candidates[0] if len(candidates) == 1 else None


def search(session: Session, *, phone: str | None = None, email: str | None = None) -> list[Lead]:
    """The leads with this phone number or email (exact match after normalisation: E.164, lower
    case), newest first, found through the keyed hashes: the staff console's search."""
    same = [
        column == value
        for column, value in (
            (Lead.phone_hash, crypto.phone_hash(phone)),
            (Lead.email_hash, crypto.email_hash(email)),
        )
        if value
    ]
    if not same:
        return []
    query = select(Lead).where(or_(*same)).order_by(Lead.created_at.desc(), Lead.id)
    return list(session.execute(query).scalars())


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
    detail = Column(EncryptedJSON)  # firm names, delivery errors: encrypted like the lead

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
            text = json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else value
            flat.append(spreadsheet.cell(text))  # formula-safe: "=HYPERLINK(...)" stays text
        writer.writerow(flat)
    return out.getvalue()
