"""The staff console's lead queue: filters, search, order, pages, and what needs action.

Order: urgent ("high") first, then newest first. Filters are plain SQL on unencrypted columns
(topic, urgency, status, language, channel, created_at), served by indexes.

Search: a phone number or an email is found exactly through the keyed hashes (bot/crypto.py,
no decryption). Any other text (a name, a company, words of the description, Chinese
included) cannot be searched in SQL, since those columns are encrypted: the newest
`SEARCH_WINDOW` leads that pass the filters are decrypted and matched in memory. That costs
one Fernet decryption per encrypted column per candidate (about 2,000 x 3 AES operations,
tens of milliseconds); older leads are not searched, and the page says so (`truncated`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import Text, case, func, select, type_coerce
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from bot import crypto
from bot.delivery.outbox import Delivery
from bot.leads import Lead, LeadEvent

PER_PAGE = 50
SEARCH_WINDOW = 2000
FILTERS = ("topic", "urgency", "status", "language", "channel")
# Statuses in which nobody has taken the lead on yet.
OPEN_STATUSES = ("new", "matched", "needs_sourcing")
_PHONE = re.compile(r"^\+?[\d\s\-().]{7,}$")


@dataclass(frozen=True)
class Query:
    """What staff asked of the queue (from the page's query string)."""

    topic: str = ""
    urgency: str = ""
    status: str = ""
    language: str = ""
    channel: str = ""
    date_from: date | None = None
    date_to: date | None = None
    q: str = ""
    page: int = 1

    @classmethod
    def from_params(cls, params: Any) -> Query:
        def day(name: str) -> date | None:
            try:
                return date.fromisoformat(str(params.get(name, "")).strip())
            except ValueError:
                return None

        try:
            page = max(1, int(params.get("page", 1)))
        except ValueError:
            page = 1
        return cls(
            **{name: str(params.get(name, "")).strip()[:60] for name in FILTERS},
            date_from=day("from"),
            date_to=day("to"),
            q=str(params.get("q", "")).strip()[:200],
            page=page,
        )

    def params(self, **changes: Any) -> dict[str, str]:
        """The query string of this query (with changes), for links to pages and the CSV."""
        values = {name: getattr(self, name) for name in FILTERS}
        values.update({"from": self.date_from or "", "to": self.date_to or "", "q": self.q})
        values["page"] = self.page
        values.update(changes)
        return {key: str(value) for key, value in values.items() if value not in ("", None, 1)}


@dataclass
class Result:
    leads: list[Lead]
    total: int
    page: int
    pages: int
    truncated: bool = False  # a text search that did not reach the oldest leads
    flags: dict[str, list[str]] = field(default_factory=dict)


def _filtered(query: Query) -> Select:
    statement = select(Lead)
    for name in FILTERS:
        value = getattr(query, name)
        if value:
            statement = statement.where(getattr(Lead, name) == value)
    if query.date_from:
        statement = statement.where(Lead.created_at >= _start(query.date_from))
    if query.date_to:
        statement = statement.where(Lead.created_at < _start(query.date_to + timedelta(days=1)))
    return statement


def _start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.utc)


def _ordered(statement: Select) -> Select:
    urgent_first = case((Lead.urgency == "high", 0), else_=1)
    return statement.order_by(urgent_first, Lead.created_at.desc(), Lead.id)


def search_kind(text: str) -> str:
    """ "email", "phone" or "text": how a search is done."""
    if "@" in text and " " not in text:
        return "email"
    if _PHONE.match(text) and sum(c.isdigit() for c in text) >= 7:
        return "phone"
    return "text"


# The encrypted columns a text search reads, fetched as their raw tokens (no ORM decryption).
_SEARCHED = (Lead.summary, Lead.contact, Lead.counterparty, Lead.answers)


def _strings(value: Any) -> list[str]:
    """The texts in a decrypted column (a string, or a dict's values; not its keys), case folded."""
    if isinstance(value, dict):
        return [str(item).casefold() for item in value.values() if item]
    return [str(value).casefold()] if value else []


def _text_matches(session: Session, statement: Select, needle: str) -> tuple[list[str], bool]:
    """The ids, in queue order, of the newest SEARCH_WINDOW leads of `statement` whose decrypted
    text holds `needle` (case ignored); and whether older leads were left unsearched. One key
    set for all decryptions, and only the searched columns are read."""
    fernet = crypto.fernet()
    raw = [type_coerce(column, Text) for column in _SEARCHED]
    candidates = session.execute(
        _ordered(statement.with_only_columns(Lead.id, *raw)).limit(SEARCH_WINDOW + 1)
    ).all()
    found = []
    for lead_id, *tokens in candidates[:SEARCH_WINDOW]:
        if needle in lead_id:
            found.append(lead_id)
            continue
        for token in tokens:
            if token and any(
                needle in text for text in _strings(json.loads(fernet.decrypt(token.encode("ascii"))))
            ):
                found.append(lead_id)
                break
    return found, len(candidates) > SEARCH_WINDOW


def queue(session: Session, query: Query, per_page: int = PER_PAGE) -> Result:
    statement = _filtered(query)
    offset = (query.page - 1) * per_page
    kind = search_kind(query.q) if query.q else ""
    if kind in ("phone", "email"):
        hashed = crypto.phone_hash(query.q) if kind == "phone" else crypto.email_hash(query.q)
        column = Lead.phone_hash if kind == "phone" else Lead.email_hash
        statement = statement.where(column == hashed)
    if kind == "text":
        found, truncated = _text_matches(session, statement, query.q.casefold())
        total, chosen = len(found), found[offset : offset + per_page]
        loaded = {
            lead.id: lead for lead in session.execute(select(Lead).where(Lead.id.in_(chosen))).scalars()
        }
        page_rows = [loaded[lead_id] for lead_id in chosen if lead_id in loaded]
    else:
        truncated = False
        total = int(session.execute(select(func.count()).select_from(statement.subquery())).scalar_one())
        page_rows = list(session.execute(_ordered(statement).offset(offset).limit(per_page)).scalars())
    pages = max(1, -(-total // per_page))
    return Result(page_rows, total, query.page, pages, truncated, needs_action(session, page_rows))


def all_filtered(session: Session, query: Query, limit: int = 10_000) -> list[Lead]:
    """Every lead of the filtered queue (the CSV export), in queue order, at most `limit`."""
    result = queue(session, Query(**{**query.__dict__, "page": 1}), per_page=limit)
    return result.leads


def contacted_ids(session: Session, lead_ids: list[str]) -> set[str]:
    if not lead_ids:
        return set()
    rows = session.execute(
        select(LeadEvent.lead_id).where(LeadEvent.lead_id.in_(lead_ids), LeadEvent.kind == "contacted")
    )
    return {row[0] for row in rows}


def needs_action(session: Session, page: list[Lead]) -> dict[str, list[str]]:
    """For each lead of the page, why it needs action: "urgent" (urgent and nobody contacted
    the person yet), "callback" (asked for a call, not contacted), "failed" (a delivery
    failed), "sourcing" (no firm found)."""
    ids = [lead.id for lead in page]
    contacted = contacted_ids(session, ids)
    failed = (
        {
            row[0]
            for row in session.execute(
                select(Delivery.lead_id).where(Delivery.lead_id.in_(ids), Delivery.status == "failed")
            )
        }
        if ids
        else set()
    )
    flags: dict[str, list[str]] = {}
    for lead in page:
        reasons = []
        untouched = lead.id not in contacted and lead.status in OPEN_STATUSES
        if lead.urgency == "high" and untouched:
            reasons.append("urgent")
        if lead.callback_requested and lead.id not in contacted and lead.status != "closed":
            reasons.append("callback")
        if lead.id in failed:
            reasons.append("failed")
        if lead.status == "needs_sourcing":
            reasons.append("sourcing")
        flags[lead.id] = reasons
    return flags


def choices(session: Session) -> dict[str, list[str]]:
    """The values each filter can take, as found in the leads (few distinct values; indexed or cheap)."""
    found: dict[str, list[str]] = {}
    for name in FILTERS:
        column = getattr(Lead, name)
        rows = session.execute(select(column).where(column.isnot(None)).distinct().order_by(column))
        found[name] = [str(row[0]) for row in rows]
    return found


def has_filters(query: Query) -> bool:
    return any(getattr(query, name) for name in FILTERS) or bool(query.date_from or query.date_to or query.q)
