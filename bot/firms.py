"""The firm directory: the law firms a consented lead can be delivered to, what they practise,
in which languages, how many new matters a week they take, and how they want leads delivered.

Staff manage it with `lawbot firms add | list | import FILE | deactivate ID`. Every entry is
validated here, whatever its source (command line or file), so matching never sees a topic
code or a language it does not know.

Deactivation sticks: an import re-activates a firm only when its entry says `active: true`.
The example directory (`lawbot firms import --examples FILE`, what `make run` does) is loaded
only in the embedded (demo) profile, only adds the firms that are not there yet, and never
touches a firm already in the directory, so a deactivated example firm stays deactivated.

Longer than 300 lines: validation, the upsert rules and both imports (staff's files, the demo's
examples) must agree on every field, so they stay together.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping
from urllib.parse import urlsplit

import yaml
from sqlalchemy import JSON, Boolean, Column, DateTime, Integer, String, false, func, select, true
from sqlalchemy.orm import Session

from bot.db import Base, utcnow
from bot.topics import TOPIC_CODES

# Chinese, English and Russian matter most in Harbin; a few more that firms may list.
LANGUAGE_CODES: tuple[str, ...] = ("zh", "en", "ru", "ja", "ko", "de", "fr")
FEE_MODELS: tuple[str, ...] = ("fixed", "hourly", "retainer")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class FirmError(ValueError):
    """An entry that cannot go into the directory; the message says which field and why."""


class Firm(Base):  # type: ignore[misc]  # SQLAlchemy 1.4 declarative base is untyped
    __tablename__ = "firms"

    id = Column(Integer, primary_key=True, autoincrement=True)
    name = Column(String(200), nullable=False, unique=True)
    topics = Column(JSON, nullable=False, default=list)
    languages = Column(JSON, nullable=False, default=list)
    handles_urgent = Column(Boolean, nullable=False, default=False, server_default=false())
    weekly_capacity = Column(Integer, nullable=False)
    fee_models = Column(JSON, nullable=False, default=list)
    contact_email = Column(String(320))
    webhook_url = Column(String(2000))
    # Kept in clear: it signs every webhook body (HMAC), so it cannot be stored hashed.
    webhook_secret = Column(String(200))
    active = Column(Boolean, nullable=False, default=True, server_default=true())
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utcnow, onupdate=utcnow)

    @property
    def methods(self) -> tuple[str, ...]:
        """How this firm receives leads: "webhook" and/or "email"."""
        targets = (("webhook", self.webhook_url), ("email", self.contact_email))
        return tuple(method for method, target in targets if target)

    def to_dict(self, with_secret: bool = False) -> dict[str, Any]:
        row = {
            "id": self.id,
            "name": self.name,
            "topics": list(self.topics or []),
            "languages": list(self.languages or []),
            "handles_urgent": bool(self.handles_urgent),
            "weekly_capacity": self.weekly_capacity,
            "fee_models": list(self.fee_models or []),
            "contact_email": self.contact_email,
            "webhook_url": self.webhook_url,
            "active": bool(self.active),
        }
        if with_secret:
            row["webhook_secret"] = self.webhook_secret
        return row


@dataclass(frozen=True)
class FirmEntry:
    """A validated directory entry, before it is written."""

    name: str
    topics: tuple[str, ...]
    languages: tuple[str, ...]
    handles_urgent: bool
    weekly_capacity: int
    fee_models: tuple[str, ...]
    contact_email: str | None
    webhook_url: str | None
    webhook_secret: str | None
    active: bool | None = None  # None: not said (a new firm is active, a known one keeps its state)
    id: int | None = None


def _codes(
    raw: Any, allowed: tuple[str, ...], field: str, where: str, required: bool = True
) -> tuple[str, ...]:
    """A list (or comma-separated string) of codes, each checked against `allowed`, order kept."""
    if raw is None or raw == "":
        items: list[str] = []
    elif isinstance(raw, str):
        items = [part.strip() for part in raw.split(",") if part.strip()]
    elif isinstance(raw, (list, tuple)):
        items = [str(part).strip() for part in raw]
    else:
        raise FirmError(f"{where}: {field} must be a list, not {type(raw).__name__}")
    unknown = [item for item in items if item not in allowed]
    if unknown:
        raise FirmError(
            f"{where}: unknown {field} {', '.join(map(repr, unknown))}; known {field}: {', '.join(allowed)}"
        )
    if required and not items:
        raise FirmError(f"{where}: at least one of {field} is required ({', '.join(allowed)})")
    return tuple(dict.fromkeys(items))


def _flag(raw: Any, field: str, where: str, default: bool) -> bool:
    if raw is None:
        return default
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in ("true", "yes", "1"):
        return True
    if text in ("false", "no", "0"):
        return False
    raise FirmError(f"{where}: {field} must be true or false, not {raw!r}")


def _optional_text(raw: Any) -> str | None:
    text = str(raw).strip() if raw is not None else ""
    return text or None


def validate(raw: Mapping[str, Any], where: str = "firm") -> FirmEntry:
    """Checks one entry (from a file or the command line) and normalises it."""
    unknown = set(raw) - set(FirmEntry.__dataclass_fields__)
    if unknown:
        raise FirmError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    name = _optional_text(raw.get("name"))
    if not name:
        raise FirmError(f"{where}: name is required")
    where = f"{where} {name!r}"
    try:
        capacity = int(raw.get("weekly_capacity", 0))
    except (TypeError, ValueError):
        raise FirmError(f"{where}: weekly_capacity must be a whole number") from None
    if capacity < 1:
        raise FirmError(f"{where}: weekly_capacity must be at least 1 (deactivate a firm that takes none)")
    email = _optional_text(raw.get("contact_email"))
    if email and not _EMAIL.match(email):
        raise FirmError(f"{where}: contact_email {email!r} is not an email address")
    webhook_url = _optional_text(raw.get("webhook_url"))
    if webhook_url:
        parts = urlsplit(webhook_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise FirmError(f"{where}: webhook_url {webhook_url!r} must be an http(s) URL")
    if not email and not webhook_url:
        raise FirmError(f"{where}: give a contact_email or a webhook_url, or the firm can receive nothing")
    secret = _optional_text(raw.get("webhook_secret"))
    for field, value in (
        ("name", name),
        ("contact_email", email),
        ("webhook_url", webhook_url),
        ("webhook_secret", secret),
    ):
        limit = Firm.__table__.columns[field].type.length  # refused here, not by PostgreSQL
        if value and len(value) > limit:
            raise FirmError(f"{where}: {field} is longer than {limit} characters")
    firm_id = raw.get("id")
    if firm_id is not None and (isinstance(firm_id, bool) or not str(firm_id).isdigit()):
        raise FirmError(f"{where}: id must be a positive whole number")
    return FirmEntry(
        id=int(firm_id) if firm_id is not None else None,
        name=name,
        topics=_codes(raw.get("topics"), TOPIC_CODES, "topics", where),
        languages=_codes(raw.get("languages"), LANGUAGE_CODES, "languages", where),
        handles_urgent=_flag(raw.get("handles_urgent"), "handles_urgent", where, False),
        weekly_capacity=capacity,
        fee_models=_codes(raw.get("fee_models"), FEE_MODELS, "fee_models", where, required=False),
        contact_email=email,
        webhook_url=webhook_url,
        webhook_secret=secret,
        active=None if raw.get("active") is None else _flag(raw.get("active"), "active", where, True),
    )


def _by_name(session: Session, name: str) -> Firm | None:
    firm: Firm | None = session.execute(
        select(Firm).where(func.lower(Firm.name) == name.lower())
    ).scalar_one_or_none()
    return firm


def upsert(session: Session, entry: FirmEntry) -> tuple[Firm, bool]:
    """Writes an entry, matched by id when it has one, else by name (case-insensitive).

    Returns (firm, created). Does not commit. A webhook needs a secret: an entry without one keeps
    the stored secret (re-importing a file never breaks a firm's signature check) or gets a fresh
    random one, which `lawbot firms list --secrets` shows so staff can hand it to the firm.
    """
    if entry.id is not None:
        firm = session.get(Firm, entry.id)
        if firm is None:
            raise FirmError(f"firm {entry.name!r}: no firm with id {entry.id} (leave id out to add it)")
        clash = _by_name(session, entry.name)
        if clash is not None and clash.id != firm.id:
            raise FirmError(f"firm {entry.name!r}: the name is taken by firm {clash.id}")
    else:
        firm = _by_name(session, entry.name)
    created = firm is None
    if created:
        firm = Firm()
        session.add(firm)
    for field in ("name", "handles_urgent", "weekly_capacity", "contact_email", "webhook_url"):
        setattr(firm, field, getattr(entry, field))
    if entry.active is not None or created:
        firm.active = entry.active is not False
    for field in ("topics", "languages", "fee_models"):
        setattr(firm, field, list(getattr(entry, field)))
    if not entry.webhook_url:
        firm.webhook_secret = None
    elif entry.webhook_secret or not firm.webhook_secret:
        firm.webhook_secret = entry.webhook_secret or secrets.token_hex(32)
    session.flush()
    return firm, created


def add(session: Session, raw: Mapping[str, Any]) -> Firm:
    """Adds one firm; refuses a name already in the directory (use import to update)."""
    entry = validate(raw)
    if entry.id is None and _by_name(session, entry.name) is not None:
        raise FirmError(f"firm {entry.name!r} is already in the directory")
    firm, _ = upsert(session, entry)
    session.commit()
    return firm


def load_file(path: Path) -> list[Mapping[str, Any]]:
    """Entries from a YAML or JSON file: a list, or a mapping with a `firms` list."""
    text = path.read_text(encoding="utf-8")
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as error:
        raise FirmError(f"{path}: cannot be read: {error}") from None
    if isinstance(data, Mapping):
        data = data.get("firms")
    if not isinstance(data, list) or not all(isinstance(item, Mapping) for item in data):
        raise FirmError(f"{path}: expected a list of firms (or `firms:` with a list)")
    return data


def import_entries(
    session: Session, raws: Iterable[Mapping[str, Any]], where: str = "file"
) -> tuple[int, int]:
    """Adds or updates every entry, all or nothing; returns (created, updated).

    Every entry is validated before anything is written, so a file with one bad firm changes
    nothing and the error names that firm.
    """
    entries = [validate(raw, f"{where} entry {number}") for number, raw in enumerate(raws, 1)]
    names = [entry.name.lower() for entry in entries]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise FirmError(f"{where}: firm(s) listed twice: {', '.join(duplicates)}")
    created = updated = 0
    try:
        for entry in entries:
            _, is_new = upsert(session, entry)
            created, updated = created + is_new, updated + (not is_new)
        session.commit()
    except Exception:
        session.rollback()
        raise
    return created, updated


class NotInThisProfile(FirmError):
    """Example firms are demo data: the production profile never loads them."""


def import_examples(session: Session, raws: Iterable[Mapping[str, Any]], production: bool) -> int:
    """Adds the example firms not yet in the directory (by name) and leaves every other firm as
    it is (a deactivated example firm is never re-activated); returns how many were added.
    Raises NotInThisProfile in the production profile."""
    if production:
        raise NotInThisProfile("example firms are demo data: not loaded in the production profile")
    entries = [validate(raw, f"example entry {number}") for number, raw in enumerate(raws, 1)]
    added = 0
    try:
        for entry in entries:
            if _by_name(session, entry.name) is None:
                upsert(session, entry)
                added += 1
        session.commit()
    except Exception:
        session.rollback()
        raise
    return added


def directory(session: Session, include_inactive: bool = False) -> list[Firm]:
    query = select(Firm).order_by(Firm.name, Firm.id)
    if not include_inactive:
        query = query.where(Firm.active.is_(True))
    return list(session.execute(query).scalars())


def deactivate(session: Session, firm_id: int) -> Firm:
    """Takes a firm out of matching; its past deliveries stay on record."""
    firm: Firm | None = session.get(Firm, firm_id)
    if firm is None:
        raise FirmError(f"no firm with id {firm_id}")
    firm.active = False
    session.commit()
    return firm
