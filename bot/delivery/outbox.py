"""The outbox: one row per lead, firm and delivery method, written in the same transaction as
the user's consent, so a decision to send is never lost and never sent without a record.

A row moves pending -> sending -> delivered, or back to pending with a later `next_attempt_at`
(exponential backoff with jitter), or to failed after `max_attempts` tries or a permanent error,
where staff see it (`lawbot deliveries list --status failed`) and can requeue it.

Claiming is safe with several workers on PostgreSQL and SQLite alike: a row is taken by a
conditional UPDATE on its attempt counter, so two workers can never both win it. While a row is
`sending`, `next_attempt_at` is its lease: a worker that dies mid-send leaves a row that becomes
due again when the lease runs out, and is retried (the idempotency key lets the firm ignore a
duplicate).

Longer than 300 lines: every kind of row shares one table and one claim, lease and retry
protocol, which is safe only if it lives in one place.

Three kinds of rows: `lead` (a consented lead, `lead_id` set; erasing the lead deletes the row),
`erasure` (the notice, event `lead.erased`, that a firm which received a lead gets when the
lead is erased: `lead_id` is empty, since the lead is gone, and the payload names its id) and
`withdrawal` (event `lead.withdrawn`: staff took the lead back from a firm that may have
received it; like an erasure notice it names only the lead's id). Staff may cancel a delivery
not yet made (`cancelled`: never sent, never retried).

The payload (a copy of the lead: name, phone, email, what happened) and the last error (a
firm's answer may echo the lead) are encrypted at rest like the lead (bot/crypto.py,
migration 0006); `lawbot keys rotate` re-encrypts them.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, String, select, update
from sqlalchemy.orm import Session, backref, relationship

from bot import leads
from bot.crypto import EncryptedJSON
from bot.db import Base, iso
from bot.firms import Firm
from bot.leads import Lead
from bot.settings import DeliverySettings
from bot.settings import load as load_settings

METHODS = ("webhook", "email")
KINDS = ("lead", "erasure", "withdrawal")
# The webhook event of each kind (X-Lawbot-Event header; a notice payload's "event").
EVENTS = {"lead": "lead.created", "erasure": "lead.erased", "withdrawal": "lead.withdrawn"}
DELIVERY_STATUSES = ("pending", "sending", "delivered", "failed", "cancelled")
# Longer than the slowest send (webhook 3 s + 10 s, SMTP 30 s), so a live send is never retaken.
LEASE = timedelta(minutes=5)
_KEY_NAMESPACE = uuid.UUID("6f1c1a52-43a4-4a8e-9a51-3a1f3b0d7e21")


def now() -> datetime:
    """Now in UTC, microseconds kept (unlike db.utcnow): backoff in tests is a fraction of a second."""
    return datetime.now(timezone.utc)


class Delivery(Base):  # type: ignore[misc]  # SQLAlchemy 1.4 declarative base is untyped
    __tablename__ = "deliveries"
    # What the worker looks for (migration 0003): due rows by status and time.
    __table_args__ = (Index("ix_deliveries_due", "status", "next_attempt_at"),)

    id = Column(Integer, primary_key=True, autoincrement=True)
    # Empty for an erasure notice: the lead is gone (its id is in the payload).
    lead_id = Column(String(36), ForeignKey("leads.id", ondelete="CASCADE"), nullable=True, index=True)
    firm_id = Column(Integer, ForeignKey("firms.id"), nullable=False, index=True)
    kind = Column(String(20), nullable=False, default="lead", server_default="lead")
    method = Column(String(10), nullable=False)
    idempotency_key = Column(String(100), nullable=False, unique=True)
    # The lead as the firm receives it, fixed at consent; encrypted (bot/crypto.py).
    payload = Column(EncryptedJSON, nullable=False)
    status = Column(String(10), nullable=False, default="pending")
    attempts = Column(Integer, nullable=False, default=0, server_default="0")
    next_attempt_at = Column(DateTime(timezone=True), nullable=False, default=now)
    last_error = Column(EncryptedJSON)  # a firm's answer may quote the lead: encrypted too
    created_at = Column(DateTime(timezone=True), nullable=False, default=now)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=now, onupdate=now)
    delivered_at = Column(DateTime(timezone=True))

    # The payload is a copy of the lead: deleting the lead (erasure, retention) deletes its rows.
    lead = relationship(Lead, backref=backref("deliveries", cascade="all, delete-orphan"))

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "lead_id": self.lead_id or (self.payload or {}).get("lead_id"),
            "kind": self.kind or "lead",
            "firm_id": self.firm_id,
            "method": self.method,
            "idempotency_key": self.idempotency_key,
            "status": self.status,
            "attempts": self.attempts,
            "next_attempt_at": iso(self.next_attempt_at),
            "last_error": self.last_error,
            "created_at": iso(self.created_at),
            "delivered_at": iso(self.delivered_at),
        }


@dataclass(frozen=True)
class Policy:
    """How hard the worker tries. From the settings, so tests and production differ only there."""

    backoff: float = 30.0  # seconds before the second try; doubles with each try
    backoff_max: float = 3600.0
    max_attempts: int = 8

    @classmethod
    def from_settings(cls, delivery: DeliverySettings | None = None) -> Policy:
        """The policy configured in Settings.delivery (LAWBOT_DELIVERY_*)."""
        delivery = delivery or load_settings().delivery
        return cls(
            backoff=delivery.backoff, backoff_max=delivery.backoff_max, max_attempts=delivery.max_attempts
        )

    def delay(self, attempts: int) -> float:
        """Seconds to wait after `attempts` failed tries: exponential, with "equal jitter" (half
        fixed, half random), so firms recovering from an outage are not hit by every retry at once."""
        ceiling: float = min(self.backoff_max, self.backoff * 2 ** max(0, attempts - 1))
        return ceiling / 2 + random.uniform(0, ceiling / 2)


def idempotency_key(lead_id: str, firm_id: int, method: str, kind: str = "lead") -> str:
    """Stable for a lead, firm, method (and kind): every retry, and a repeated consent, carries the same."""
    suffix = "" if kind == "lead" else f"/{kind}"
    return str(uuid.uuid5(_KEY_NAMESPACE, f"{lead_id}/{firm_id}/{method}{suffix}"))


def recipients(session: Session, lead_id: str) -> list[tuple[int, str]]:
    """(firm id, method) of every delivery of the lead that may have reached the firm (tried at
    least once): the firms to tell when the lead is erased."""
    rows = session.execute(
        select(Delivery.firm_id, Delivery.method)
        .where(Delivery.lead_id == lead_id, Delivery.kind == "lead", Delivery.attempts > 0)
        .order_by(Delivery.firm_id, Delivery.method)
    )
    return list(dict.fromkeys((int(firm_id), str(method)) for firm_id, method in rows))


def enqueue_erasure_notice(
    session: Session, lead_id: str, firm_id: int, method: str, erased_at: datetime, kind: str = "erasure"
) -> Delivery | None:
    """Adds a pending erasure notice (event `lead.erased`) for a firm that received the lead to the
    caller's transaction (no commit); None when one is already queued. The payload names only
    the lead's id (a random UUID the firm already has) and when it was erased. With
    kind="withdrawal", the same for staff withdrawing the lead (event `lead.withdrawn`)."""
    if method not in METHODS:
        raise ValueError(f"unknown delivery method {method!r}")
    if kind not in ("erasure", "withdrawal"):
        raise ValueError(f"not a notice: {kind!r}")
    key = idempotency_key(lead_id, firm_id, method, kind)
    if session.execute(select(Delivery.id).where(Delivery.idempotency_key == key)).first():
        return None
    at_field = "erased_at" if kind == "erasure" else "withdrawn_at"
    notice = Delivery(
        lead_id=None,
        firm_id=firm_id,
        kind=kind,
        method=method,
        idempotency_key=key,
        payload={"event": EVENTS[kind], "lead_id": lead_id, at_field: iso(erased_at)},
        status="pending",
        attempts=0,
        next_attempt_at=now(),
    )
    session.add(notice)
    return notice


def enqueue(
    session: Session, lead: Lead, firm: Firm, method: str, payload: dict[str, Any]
) -> Delivery | None:
    """Adds a pending delivery to the caller's transaction (no commit), or returns None when this
    lead already has one for this firm and method."""
    if method not in METHODS:
        raise ValueError(f"unknown delivery method {method!r}")
    key = idempotency_key(lead.id, firm.id, method)
    if session.execute(select(Delivery.id).where(Delivery.idempotency_key == key)).first():
        return None
    delivery = Delivery(
        lead=lead,
        firm_id=firm.id,
        kind="lead",
        method=method,
        idempotency_key=key,
        payload=payload,
        status="pending",
        attempts=0,
        next_attempt_at=now(),
    )
    session.add(delivery)
    return delivery


@dataclass(frozen=True)
class Claim:
    """A delivery taken by one worker for one attempt."""

    id: int
    lead_id: str | None  # None: an erasure notice (the lead's id is in the payload)
    firm_id: int
    method: str
    idempotency_key: str
    payload: dict[str, Any]
    attempts: int  # including this one
    kind: str = "lead"

    @property
    def event(self) -> str:
        return EVENTS.get(self.kind, EVENTS["lead"])


def claim_next(session: Session, due_by: datetime, policy: Policy, skip: set[int]) -> Claim | None:
    """Takes the next delivery due by `due_by` (oldest first), or None when nothing is due.

    Rows whose worker died during their last allowed attempt are marked failed on the way.
    """
    while True:
        query = (
            select(Delivery)
            .where(Delivery.status.in_(("pending", "sending")), Delivery.next_attempt_at <= due_by)
            .order_by(Delivery.next_attempt_at, Delivery.id)
            .limit(1)
            .with_for_update(skip_locked=True)  # PostgreSQL; SQLite serialises writers anyway
        )
        if skip:
            query = query.where(Delivery.id.notin_(skip))
        row = session.execute(query).scalar_one_or_none()
        if row is None:
            session.rollback()
            return None
        if row.attempts >= policy.max_attempts:
            _finish_failed(session, row, row.last_error or "no outcome recorded for the last attempt")
            session.commit()
            continue
        taken = session.execute(
            update(Delivery)
            .where(
                Delivery.id == row.id,
                Delivery.attempts == row.attempts,
                Delivery.status.in_(("pending", "sending")),
            )
            .values(
                status="sending", attempts=row.attempts + 1, next_attempt_at=now() + LEASE, updated_at=now()
            )
            .execution_options(synchronize_session=False)
        ).rowcount
        session.commit()
        if taken:
            return Claim(
                row.id,
                row.lead_id,
                row.firm_id,
                row.method,
                row.idempotency_key,
                dict(row.payload),
                row.attempts + 1,
                row.kind or "lead",
            )
        skip.add(row.id)  # another worker won it


def _mine(session: Session, claim: Claim) -> Delivery | None:
    """The claimed row, locked, if it is still ours (not erased, not retaken after the lease)."""
    row: Delivery | None = session.execute(
        select(Delivery).where(Delivery.id == claim.id).with_for_update()
    ).scalar_one_or_none()
    if row is None or row.status != "sending" or row.attempts != claim.attempts:
        return None
    return row


def _finish_failed(session: Session, row: Delivery, error: str) -> None:
    row.status, row.last_error, row.updated_at = "failed", error[:2000], now()
    lead = session.get(Lead, row.lead_id) if row.lead_id else None
    if lead is not None:
        leads.record_event(
            session,
            lead,
            "delivery_failed",
            detail={
                "delivery_id": row.id,
                "firm_id": row.firm_id,
                "method": row.method,
                "attempts": row.attempts,
                "error": row.last_error,
            },
        )


def record_success(session: Session, claim: Claim) -> None:
    """Marks the delivery done; when it was the lead's last one outstanding, the lead becomes
    `delivered`. The lead row is locked first so two workers finishing a lead's last two
    deliveries at once cannot both miss the moment. An erasure notice only marks its row."""
    if claim.lead_id is None:
        row = _mine(session, claim)
        if row is None:
            session.rollback()
            return
        row.status, row.last_error, row.delivered_at, row.updated_at = "delivered", None, now(), now()
        session.commit()
        return
    # FOR NO KEY UPDATE on PostgreSQL: it still lets other transactions insert rows that refer to
    # the lead (events, deliveries), so it cannot deadlock with them.
    lead = session.execute(
        select(Lead).where(Lead.id == claim.lead_id).with_for_update(key_share=True)
    ).scalar_one_or_none()
    row = _mine(session, claim)
    if row is None or lead is None:
        session.rollback()
        return
    row.status, row.last_error, row.delivered_at, row.updated_at = "delivered", None, now(), now()
    session.flush()
    outstanding = session.execute(
        select(Delivery.id)
        .where(Delivery.lead_id == lead.id, Delivery.status.notin_(("delivered", "cancelled")))
        .limit(1)
    ).first()
    if outstanding is None and lead.status == "matched":
        leads.set_status(session, lead, "delivered")
    session.commit()


def record_failure(session: Session, claim: Claim, error: str, permanent: bool, policy: Policy) -> str | None:
    """Schedules the next try, or marks the delivery failed (permanent error, or tries used up).
    Returns the row's new status, or None when the row is no longer this claim's (erased, or
    retaken after the lease ran out): nothing is recorded then."""
    row = _mine(session, claim)
    if row is None:
        session.rollback()
        return None
    if permanent or claim.attempts >= policy.max_attempts:
        _finish_failed(session, row, error)
    else:
        row.status, row.last_error, row.updated_at = "pending", error[:2000], now()
        row.next_attempt_at = now() + timedelta(seconds=policy.delay(claim.attempts))
    status: str = row.status
    session.commit()
    return status


def requeue(session: Session, delivery_id: int) -> Delivery:
    """Staff's "try again" for a failed delivery (say, after the firm fixed its server): a fresh
    set of tries, due now, same idempotency key."""
    row: Delivery | None = session.get(Delivery, delivery_id)
    if row is None:
        raise ValueError(f"no delivery {delivery_id}")
    if row.status != "failed":
        raise ValueError(f"delivery {delivery_id} is {row.status}, not failed")
    row.status, row.attempts, row.next_attempt_at, row.updated_at = "pending", 0, now(), now()
    session.commit()
    return row


def cancel(session: Session, delivery_id: int) -> Delivery:
    """Staff's "do not send" for a delivery not yet made (pending or failed; not while a worker is
    sending it): it becomes `cancelled` and is never sent or retried. Does not commit."""
    row: Delivery | None = session.get(Delivery, delivery_id)
    if row is None:
        raise ValueError(f"no delivery {delivery_id}")
    if row.status not in ("pending", "failed"):
        raise ValueError(
            f"delivery {delivery_id} is {row.status}: only a pending or failed one can be cancelled"
        )
    row.status, row.updated_at = "cancelled", now()
    return row


def withdraw(session: Session, lead_id: str, firm_id: int, at: datetime) -> list[Delivery]:
    """Takes a lead back from a firm: its deliveries to the firm not yet made are cancelled, and
    for each method by which the firm may have received it (tried at least once) a withdrawal
    notice is queued. Returns the notices queued. Does not commit."""
    rows = session.execute(
        select(Delivery).where(
            Delivery.lead_id == lead_id, Delivery.firm_id == firm_id, Delivery.kind == "lead"
        )
    ).scalars()
    notices: list[Delivery] = []
    found = False
    for row in rows:
        found = True
        if row.status == "sending":
            raise ValueError(f"delivery {row.id} is being sent now: try again in a moment")
        reached = row.attempts > 0
        if row.status in ("pending", "failed"):
            row.status, row.updated_at = "cancelled", now()
        if reached:
            notice = enqueue_erasure_notice(session, lead_id, firm_id, row.method, at, kind="withdrawal")
            if notice is not None:
                notices.append(notice)
    if not found:
        raise ValueError(f"the lead was never sent to firm {firm_id}")
    return notices


def notices_for(session: Session, lead_id: str, firm_ids: set[int]) -> list[Delivery]:
    """The withdrawal notices queued for this lead (found by their idempotency keys)."""
    keys = [idempotency_key(lead_id, f, m, "withdrawal") for f in firm_ids for m in METHODS]
    if not keys:
        return []
    query = select(Delivery).where(Delivery.idempotency_key.in_(keys)).order_by(Delivery.id)
    return list(session.execute(query).scalars())


def listing(session: Session, status: str | None = None, lead_id: str | None = None) -> list[Delivery]:
    query = select(Delivery).order_by(Delivery.created_at, Delivery.id)
    if status:
        query = query.where(Delivery.status == status)
    if lead_id:
        query = query.where(Delivery.lead_id == lead_id)
    return list(session.execute(query).scalars())
