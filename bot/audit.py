"""The record of erasures (PIPL Art. 47 and 51: what was erased, when, at whose request), kept
without what was erased: no name, phone, email, conversation id or text, only who asked
(the user, staff, retention), what the request named (a conversation, a phone, an email) and
how many of each kind of record went.

`ErasedKey` is the tombstone of one erased lead: the SHA-256 of its idempotency key, so a lead
still waiting in a spool somewhere (bot/spool.py) is never saved again after its erasure. The
hash cannot be turned back into the key (the key holds a random part), and is deleted after the
retention period like everything else.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Integer, String, delete, select
from sqlalchemy.orm import Session

from bot.db import Base, iso, utcnow

ACTORS = ("user", "staff", "retention")
SCOPES = ("conversation", "phone", "email", "expired")


class ErasureAudit(Base):  # type: ignore[misc]  # SQLAlchemy 1.4 declarative base is untyped
    __tablename__ = "erasure_audit"

    id = Column(Integer, primary_key=True, autoincrement=True)
    at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    actor = Column(String(20), nullable=False)  # one of ACTORS
    scope = Column(String(20), nullable=False)  # one of SCOPES
    # {"leads": 1, "lead_events": 3, "deliveries": 2, "spooled": 0, "conversations": 1, ...}
    counts = Column(JSON, nullable=False, default=dict)
    # The erased leads' ids (random UUIDs, not personal): what a firm's erasure notice names.
    lead_ids = Column(JSON, nullable=False, default=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": iso(self.at),
            "actor": self.actor,
            "scope": self.scope,
            "counts": dict(self.counts or {}),
            "lead_ids": list(self.lead_ids or []),
        }


class ErasedKey(Base):  # type: ignore[misc]  # SQLAlchemy 1.4 declarative base is untyped
    __tablename__ = "erased_keys"

    key_hash = Column(String(64), primary_key=True)
    at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


def key_hash(idempotency_key: str) -> str:
    return hashlib.sha256(idempotency_key.encode("utf-8")).hexdigest()


def record(
    session: Session,
    actor: str,
    scope: str,
    counts: Mapping[str, int],
    lead_ids: Iterable[str] = (),
    erased_keys: Iterable[str] = (),
) -> ErasureAudit:
    """Adds an audit entry and the tombstones of the erased leads' keys; does not commit."""
    if actor not in ACTORS:
        raise ValueError(f"unknown erasure actor {actor!r}: one of {', '.join(ACTORS)}")
    if scope not in SCOPES:
        raise ValueError(f"unknown erasure scope {scope!r}: one of {', '.join(SCOPES)}")
    entry = ErasureAudit(
        at=utcnow(), actor=actor, scope=scope, counts=dict(counts), lead_ids=sorted(set(lead_ids))
    )
    session.add(entry)
    for hashed in sorted({key_hash(key) for key in erased_keys}):
        if session.get(ErasedKey, hashed) is None:
            session.add(ErasedKey(key_hash=hashed, at=utcnow()))
    return entry


def was_erased(session: Session, idempotency_key: str) -> bool:
    """True when a lead with this idempotency key was erased (it must never come back)."""
    return session.get(ErasedKey, key_hash(idempotency_key)) is not None


def entries(session: Session) -> list[ErasureAudit]:
    return list(session.execute(select(ErasureAudit).order_by(ErasureAudit.at, ErasureAudit.id)).scalars())


def purge_tombstones(session: Session, cutoff: datetime) -> int:
    """Deletes tombstones older than `cutoff` (nothing spooled is older: retention removed it)."""
    result = session.execute(delete(ErasedKey).where(ErasedKey.at < cutoff))
    return int(result.rowcount or 0)
