"""Which firms suit a lead, and why: a score per active firm with room this week, with the
reasons in words for staff and the factors as data for reports.

Topic fit is a requirement; the rest weighs in. The weights are plain constants so a score can
be explained by adding up its reasons.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot import leads
from bot.delivery.outbox import Delivery
from bot.firms import Firm
from bot.leads import Lead

TOPIC_POINTS = 40  # required: a firm that does not practise the topic is not ranked at all
LANGUAGE_POINTS = 25  # the user can talk to the lawyer in their own language
URGENT_POINTS = 20  # only for urgency "high": the firm takes matters that cannot wait
CAPACITY_POINTS = 10  # scaled by the share of this week's capacity still free
FEE_POINTS = 5  # the firm offers the fee model the user asked for
KEPT = 3  # matches stored on the lead and offered to the user
CAPACITY_WINDOW = timedelta(days=7)

# The language names of the reasons, in English (languages.* in bot/knowledge/messages.yml).
MESSAGES = Path(__file__).resolve().parent / "knowledge" / "messages.yml"
LANGUAGE_NAMES: dict[str, str] = {
    code: name["en"]
    for code, name in yaml.safe_load(MESSAGES.read_text(encoding="utf-8"))["languages"].items()
}
RANKABLE = ("new", "needs_sourcing", "matched", "declined")


@dataclass(frozen=True)
class Match:
    firm_id: int
    name: str
    score: float
    reasons: list[str] = field(default_factory=list)
    factors: dict[str, Any] = field(default_factory=dict)

    def stored(self) -> dict[str, Any]:
        """The form kept in `lead.matches`."""
        return {
            "firm_id": self.firm_id,
            "name": self.name,
            "score": self.score,
            "reasons": list(self.reasons),
        }


def lead_counts_this_week(
    session: Session, now: datetime, excluding_lead: str | None = None
) -> dict[int, int]:
    """Leads shared with each firm in the past 7 days (failed and cancelled deliveries do not
    count: the firm never got them), by firm id. The lead being matched again is left out."""
    query = (
        select(Delivery.firm_id, func.count(func.distinct(Delivery.lead_id)))
        .where(
            Delivery.created_at >= now - CAPACITY_WINDOW,
            Delivery.status.notin_(("failed", "cancelled")),
        )
        .group_by(Delivery.firm_id)
    )
    if excluding_lead:
        query = query.where(Delivery.lead_id != excluding_lead)
    return {firm_id: count for firm_id, count in session.execute(query)}  # noqa: C416 - rows, not pairs


def score(firm: Firm, lead: Lead, used: int) -> Match | None:
    """One firm's match for a lead, or None when it cannot take it (other topic, or full)."""
    if lead.topic not in (firm.topics or []):
        return None
    free = firm.weekly_capacity - used
    if free <= 0:
        return None
    points: float = TOPIC_POINTS
    reasons = [f"practises {lead.topic}"]
    factors: dict[str, Any] = {"topic": True}

    language = lead.language  # the language the user chose to be contacted in
    speaks = language in (firm.languages or [])
    factors["language"] = speaks
    points += LANGUAGE_POINTS if speaks else 0
    language_name = LANGUAGE_NAMES.get(language, language)
    reasons.append(f"works in {language_name}" if speaks else f"does not list {language_name}")

    if lead.urgency == "high":
        factors["urgent"] = bool(firm.handles_urgent)
        points += URGENT_POINTS if firm.handles_urgent else 0
        reasons.append("takes urgent matters" if firm.handles_urgent else "not set up for urgent matters")

    factors["capacity_free"], factors["capacity"] = free, firm.weekly_capacity
    points += CAPACITY_POINTS * free / firm.weekly_capacity
    reasons.append(f"{free} of {firm.weekly_capacity} weekly slots free")

    preference = (lead.answers or {}).get("fee_preference")
    if preference in ("fixed", "hourly", "retainer"):
        offers = preference in (firm.fee_models or [])
        factors["fee"] = offers
        points += FEE_POINTS if offers else 0
        reasons.append(f"offers {preference} fees" if offers else f"no {preference} fees")

    return Match(firm_id=firm.id, name=firm.name, score=round(points, 1), reasons=reasons, factors=factors)


def rank(session: Session, lead: Lead, now: datetime | None = None) -> list[Match]:
    """Every active firm that can take the lead, best first.

    Equal scores are ordered by name, then id, so the same directory always gives the same
    ranking (and the user sees the same firms whenever the lead is matched again).
    """
    now = now or datetime.now(timezone.utc)
    used = lead_counts_this_week(session, now, excluding_lead=lead.id)
    firms = session.execute(select(Firm).where(Firm.active.is_(True))).scalars()
    matches = [m for firm in firms if (m := score(firm, lead, used.get(firm.id, 0))) is not None]
    return sorted(matches, key=lambda m: (-m.score, m.name.casefold(), m.firm_id))


def match_lead(session: Session, lead: Lead, now: datetime | None = None) -> list[Match]:
    """Ranks firms for the lead, keeps the top three on it and commits.

    The lead becomes `matched`, or `needs_sourcing` when no firm fits: staff then find one, and
    the conversation tells the user so. Returns the kept matches (empty for needs_sourcing).
    """
    if lead.status not in RANKABLE:
        raise ValueError(f"lead {lead.id} is {lead.status!r}: only {', '.join(RANKABLE)} leads are matched")
    kept = rank(session, lead, now)[:KEPT]
    lead.matches = [match.stored() for match in kept]
    status = "matched" if kept else "needs_sourcing"
    leads.set_status(session, lead, status, detail={"firm_ids": [m.firm_id for m in kept]})
    session.commit()
    return kept
