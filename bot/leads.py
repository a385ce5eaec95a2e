"""The lead: the structured, consented record a law firm receives (fields as in the brief),
and the operations intake staff and the bot perform on it."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import os
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
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
    delete,
    false,
    select,
    sql,
)
from sqlalchemy.exc import SQLAlchemyError
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
            "callback_requested": bool(self.callback_requested),
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
    return _erase(session, Lead.conversation_id == conversation_id)


def _erase(session: Session, condition) -> int:
    """Deletes the leads matching `condition` with everything that holds a copy of them."""
    lead_ids = select(Lead.id).where(condition)
    for name in _DEPENDENT_TABLES:
        dependent = sql.table(name, sql.column("lead_id"))
        session.execute(delete(dependent).where(dependent.c.lead_id.in_(lead_ids)))
    result = session.execute(delete(Lead).where(condition))
    session.commit()
    return result.rowcount or 0


# Tables holding a copy of a lead's data (migration 0003): its events and its outbox deliveries,
# whose payload is the lead itself. Deleted explicitly: SQLite does not enforce ON DELETE CASCADE,
# and erasure must not leave personal data behind in the outbox.
_DEPENDENT_TABLES = ("lead_events", "deliveries")


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


class LeadEvent(Base):
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


def record_event(
    session: Session, lead: Lead, kind: str, detail: Any = None, status: str | None = None
) -> None:
    """Adds an event to the session; the caller's commit makes it part of its transaction."""
    session.add(LeadEvent(lead_id=lead.id, at=utcnow(), kind=kind, status=status, detail=detail))


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


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    if moment.tzinfo is None:  # SQLite drops the zone: it is UTC
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.isoformat().replace("+00:00", "Z")


def status_history(session: Session, lead: Lead) -> list[dict[str, Any]]:
    """[{status, at}, ...] oldest first, starting with "new" at the lead's creation."""
    events = session.execute(
        select(LeadEvent)
        .where(LeadEvent.lead_id == lead.id, LeadEvent.kind == "status")
        .order_by(LeadEvent.at, LeadEvent.id)
    ).scalars()
    return [{"status": "new", "at": _iso(lead.created_at)},
            *({"status": event.status, "at": _iso(event.at)} for event in events)]


def events(session: Session, lead: Lead) -> list[dict[str, Any]]:
    """Every event of a lead, oldest first, for staff."""
    rows = session.execute(
        select(LeadEvent).where(LeadEvent.lead_id == lead.id).order_by(LeadEvent.at, LeadEvent.id)
    ).scalars()
    return [{"at": _iso(e.at), "kind": e.kind, "status": e.status, "detail": e.detail} for e in rows]


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


# ---------------------------------------------------------------- spool
# When the database is unreachable, a confirmed lead is written to a spool file under var/
# and saved as soon as the database answers again: nothing the user typed is lost.

SPOOL_INTERVAL = float(os.environ.get("LAWBOT_SPOOL_INTERVAL", "5"))
log = logging.getLogger(__name__)


def spool_dir() -> Path:
    from bot.settings import load as load_settings

    return load_settings().var_dir / "spool" / "leads"


def _spool_path(idempotency_key: str) -> Path:
    return spool_dir() / (hashlib.sha256(idempotency_key.encode()).hexdigest()[:32] + ".json")


def spool(idempotency_key: str, fields: dict[str, Any]) -> Path:
    """Writes a lead that could not be saved (atomically: a reader never sees half a file)."""
    path = _spool_path(idempotency_key)
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {"idempotency_key": idempotency_key, "fields": _jsonable(fields)}
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)
    return path


def _jsonable(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in fields.items()}


def _from_json(fields: dict[str, Any]) -> dict[str, Any]:
    created = fields.get("created_at")
    if isinstance(created, str):
        fields = {**fields, "created_at": datetime.fromisoformat(created)}
    return fields


def pending() -> list[dict[str, Any]]:
    directory = spool_dir()
    if not directory.exists():
        return []
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(directory.glob("*.json"))]


def flush_spool(make_session) -> int:
    """Saves every spooled lead (idempotently) and removes its file; returns how many were saved.
    Stops at the first database error: the rest stay spooled for the next try."""
    saved = 0
    for record in pending():
        try:
            with make_session() as session:
                save(session, record["idempotency_key"], **_from_json(record["fields"]))
        except SQLAlchemyError as error:
            log.warning("leads database still unreachable, %d lead(s) spooled: %s", len(pending()), error)
            break
        _spool_path(record["idempotency_key"]).unlink(missing_ok=True)
        saved += 1
    return saved


def erase_spooled(conversation_id: str) -> int:
    """Deletes the spooled leads of a conversation (erasure must reach them too)."""
    erased = 0
    for record in pending():
        if record["fields"].get("conversation_id") == conversation_id:
            _spool_path(record["idempotency_key"]).unlink(missing_ok=True)
            erased += 1
    return erased


def save_or_spool(make_session, idempotency_key: str, fields: dict[str, Any]) -> Lead | None:
    """Saves the lead, or spools it when the database is unreachable (returns None then)."""
    try:
        with make_session() as session:
            return save(session, idempotency_key, **fields)
    except SQLAlchemyError as error:
        log.warning("leads database unreachable, spooling the lead: %s", error)
        spool(idempotency_key, fields)
        start_spool_flusher(make_session)
        return None


_flusher: threading.Thread | None = None


def start_spool_flusher(make_session, interval: float = SPOOL_INTERVAL) -> None:
    """A background thread (one per process) that retries the spool until it is empty."""
    global _flusher
    if _flusher is not None and _flusher.is_alive():
        return

    def run() -> None:
        while pending():
            time.sleep(interval)
            flush_spool(make_session)

    _flusher = threading.Thread(target=run, name="lead-spool", daemon=True)
    _flusher.start()


# ---------------------------------------------------------------- retention

RETENTION_DAYS = int(os.environ.get("LAWBOT_RETENTION_DAYS", "180"))


def purge_expired(session: Session, days: int = RETENTION_DAYS, now: datetime | None = None) -> int:
    """Deletes leads older than the retention period the privacy notice promises."""
    return _erase(session, Lead.created_at < (now or utcnow()) - timedelta(days=days))
