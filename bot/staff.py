"""Intake staff's accounts for the staff console (/staff on the web app), their sign-in
sessions, and the audit of who viewed, exported or changed which lead.

Passwords: Argon2id (argon2-cffi), never stored or logged in clear. Sign-in: `authenticate`
counts failures per account; after `MAX_FAILURES` in a row the account is locked for
`LOCKOUT` (a correct password does not open it earlier). An unknown email costs the same hash
check as a known one, so timing does not tell which emails have accounts.

Sessions (aiohttp-session's, stored here by bot/ops/web/staff/sessions.py) live in the table
`staff_sessions`: the cookie holds a random token; the table only its SHA-256, the account, the
session's CSRF secret (which its itsdangerous tokens sign) and its expiry (`SESSION_TTL` after
sign-in). Every instance reads the table, so signing out, disabling an account or resetting its
password ends its sessions everywhere.

The audit (`staff_audit`) names the staff member, the action and the lead's id (a random
UUID), never what the lead holds. Retention (bot/privacy.py) deletes its entries older than
the retention period, and expired sessions, with `purge_older_than`."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import JSON, Boolean, Column, DateTime, ForeignKey, Integer, String, delete, func, select
from sqlalchemy.orm import Session

from bot.db import Base, as_utc, iso, utcnow

ROLES = ("staff", "admin")
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
SESSION_TTL = timedelta(hours=8)
MIN_PASSWORD = 10
ACTIONS = (
    "view",
    "queue",
    "export",
    "correct",
    "status",
    "note",
    "contacted",
    "retry",
    "cancel",
    "withdraw",
    "signin",
)

_hasher = PasswordHasher()
# Checked against when the email is unknown, so such a sign-in takes as long as a real one.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class StaffError(ValueError):
    """A request about accounts that cannot be done (unknown email, bad role, short password)."""


class StaffUser(Base):  # type: ignore[misc]  # SQLAlchemy 1.4 declarative base is untyped
    __tablename__ = "staff_users"

    id = Column(Integer, primary_key=True, autoincrement=True)
    email = Column(String(254), nullable=False, unique=True)
    role = Column(String(10), nullable=False)
    password_hash = Column(String(200), nullable=False)
    active = Column(Boolean, nullable=False, default=True)
    failed_logins = Column(Integer, nullable=False, default=0)
    locked_until = Column(DateTime(timezone=True))
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "email": self.email,
            "role": self.role,
            "active": bool(self.active),
            "locked_until": iso(self.locked_until),
            "created_at": iso(self.created_at),
        }


class StaffSession(Base):  # type: ignore[misc]  # SQLAlchemy 1.4 declarative base is untyped
    __tablename__ = "staff_sessions"

    token_hash = Column(String(64), primary_key=True)
    user_id = Column(Integer, ForeignKey("staff_users.id", ondelete="CASCADE"), nullable=False, index=True)
    csrf = Column(String(64), nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    expires_at = Column(DateTime(timezone=True), nullable=False)


class StaffAudit(Base):  # type: ignore[misc]  # SQLAlchemy 1.4 declarative base is untyped
    __tablename__ = "staff_audit"

    id = Column(Integer, primary_key=True, autoincrement=True)
    at = Column(DateTime(timezone=True), nullable=False, default=utcnow, index=True)
    email = Column(String(254), nullable=False)
    action = Column(String(20), nullable=False)
    lead_id = Column(String(36), index=True)
    # What kind of change, never personal data: {"field": "topic", "from": "icp", "to": "contract"}.
    detail = Column(JSON)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": iso(self.at),
            "email": self.email,
            "action": self.action,
            "lead_id": self.lead_id,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class SignedIn:
    """The staff member behind a session; `csrf` is its CSRF secret (forms carry a signed,
    expiring token of it), `created` when it began (Unix seconds)."""

    user_id: int
    email: str
    role: str
    csrf: str
    created: int

    @property
    def admin(self) -> bool:
        return self.role == "admin"


def _normalise(email: str) -> str:
    return email.strip().casefold()


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise StaffError(f"the password must have at least {MIN_PASSWORD} characters")


def add(session: Session, email: str, role: str, password: str) -> StaffUser:
    email = _normalise(email)
    if role not in ROLES:
        raise StaffError(f"unknown role {role!r}: one of {', '.join(ROLES)}")
    if "@" not in email or len(email) > 254:
        raise StaffError(f"not an email address: {email!r}")
    _check_password(password)
    if find(session, email) is not None:
        raise StaffError(f"{email} already has an account")
    user = StaffUser(email=email, role=role, password_hash=_hasher.hash(password), created_at=utcnow())
    session.add(user)
    session.flush()
    return user


def find(session: Session, email: str) -> StaffUser | None:
    found: StaffUser | None = session.execute(
        select(StaffUser).where(StaffUser.email == _normalise(email))
    ).scalar_one_or_none()
    return found


def _existing(session: Session, email: str) -> StaffUser:
    user = find(session, email)
    if user is None:
        raise StaffError(f"no account {email!r}")
    return user


def listing(session: Session) -> list[StaffUser]:
    return list(session.execute(select(StaffUser).order_by(StaffUser.email)).scalars())


def disable(session: Session, email: str) -> StaffUser:
    user = _existing(session, email)
    user.active = False
    session.execute(delete(StaffSession).where(StaffSession.user_id == user.id))
    return user


def reset_password(session: Session, email: str, password: str) -> StaffUser:
    """A new password; ends the account's sessions and lifts a lock-out."""
    _check_password(password)
    user = _existing(session, email)
    user.password_hash = _hasher.hash(password)
    user.failed_logins, user.locked_until = 0, None
    session.execute(delete(StaffSession).where(StaffSession.user_id == user.id))
    return user


def authenticate(session: Session, email: str, password: str) -> StaffUser | None:
    """The active, unlocked account with this email and password, or None; counts failures and
    locks the account for LOCKOUT after MAX_FAILURES in a row. Does not commit."""
    user = find(session, email)
    if user is None or not user.active:
        _verify(_DUMMY_HASH, password)
        return None
    now = utcnow()
    locked_until = as_utc(user.locked_until)
    if locked_until is not None and locked_until > now:
        _verify(_DUMMY_HASH, password)
        return None
    if not _verify(user.password_hash, password):
        user.failed_logins = (user.failed_logins or 0) + 1
        if user.failed_logins >= MAX_FAILURES:
            user.locked_until, user.failed_logins = now + LOCKOUT, 0
        return None
    user.failed_logins, user.locked_until = 0, None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return user


def is_locked(session: Session, email: str) -> bool:
    user = find(session, email)
    locked_until = as_utc(user.locked_until) if user is not None else None
    return locked_until is not None and locked_until > utcnow()


def _verify(hashed: str, password: str) -> bool:
    try:
        return bool(_hasher.verify(hashed, password))
    except (VerificationError, InvalidHashError):
        return False


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def open_session(session: Session, user_id: int) -> str:
    """A new session for the account; returns the token for the cookie. Does not commit."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        StaffSession(
            token_hash=_token_hash(token),
            user_id=user_id,
            csrf=secrets.token_urlsafe(32),
            created_at=now,
            expires_at=now + SESSION_TTL,
        )
    )
    session.execute(delete(StaffSession).where(StaffSession.expires_at < now))  # old ones go
    return token


def signed_in(session: Session, token: str | None) -> SignedIn | None:
    """Who holds this session token, if it is live and the account is active."""
    if not token:
        return None
    row = session.execute(
        select(StaffSession, StaffUser)
        .join(StaffUser, StaffUser.id == StaffSession.user_id)
        .where(StaffSession.token_hash == _token_hash(token))
    ).one_or_none()
    if row is None:
        return None
    held, user = row
    expires_at = as_utc(held.expires_at)
    if not user.active or expires_at is None or expires_at <= utcnow():
        return None
    created = int((expires_at - SESSION_TTL).timestamp())  # sessions last SESSION_TTL exactly
    return SignedIn(user_id=user.id, email=user.email, role=user.role, csrf=held.csrf, created=created)


def close_session(session: Session, token: str | None) -> None:
    if token:
        session.execute(delete(StaffSession).where(StaffSession.token_hash == _token_hash(token)))


def record(
    session: Session, who: SignedIn | str, action: str, lead_id: str | None = None, detail: Any = None
) -> None:
    """An audit entry in the caller's transaction (no commit)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    email = who if isinstance(who, str) else who.email
    session.add(StaffAudit(at=utcnow(), email=email, action=action, lead_id=lead_id, detail=detail))


def audit_page(session: Session, page: int, per_page: int = 100) -> tuple[list[StaffAudit], int]:
    """One page of the audit, newest first, and the number of entries."""
    total = int(session.execute(select(func.count()).select_from(StaffAudit)).scalar_one())
    rows = session.execute(
        select(StaffAudit)
        .order_by(StaffAudit.at.desc(), StaffAudit.id.desc())
        .offset(max(0, page - 1) * per_page)
        .limit(per_page)
    ).scalars()
    return list(rows), total


def purge_older_than(session: Session, cutoff: datetime) -> int:
    """Retention (bot/privacy.py purge_expired): deletes audit entries older than `cutoff` and
    every expired session; returns how many audit entries went. Does not commit."""
    session.execute(delete(StaffSession).where(StaffSession.expires_at < utcnow()))
    gone = session.execute(delete(StaffAudit).where(StaffAudit.at < cutoff)).rowcount
    return int(gone or 0)
