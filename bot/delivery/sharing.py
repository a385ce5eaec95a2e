"""Sharing a lead with law firms: the separate consent PIPL Art. 23 asks for, and the outbox rows
it authorises.

The conversation shows `describe_recipients(...)`, then calls `share(...)` on "yes" or
`decline_share(...)` on "no". `share` only writes to the database (consent, event and outbox
rows in one transaction) and returns at once: the worker does the sending, so a slow or broken
firm server never holds up the user.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import leads, triage
from bot.db import iso, utcnow
from bot.delivery import outbox
from bot.firms import Firm
from bot.leads import Lead
from bot.readback import TRIAGE_KEY

# What a firm receives: what it needs to contact the client and run a conflict check. The
# platform's own bookkeeping (conversation id, channel, status, other firms) stays home.
FIRM_FIELDS = (
    "id",
    "created_at",
    "language",
    "topic",
    "urgency",
    "summary",
    "answers",
    "contact",
    "counterparty",
    "consent",
)


def firm_payload(lead: Lead) -> dict[str, Any]:
    """The lead as a firm receives it (webhook body, email attachment)."""
    row = lead.to_dict()
    payload = {field: row[field] for field in FIRM_FIELDS}
    consent = row["consent"] or {}
    # Which other firms got the lead is none of this firm's business.
    payload["consent"] = {
        "notice_version": consent.get("notice_version"),
        "given_at": consent.get("given_at"),
        "shared_at": consent.get("share_with_firms_at"),
    }
    # Why the matter is urgent, in plain words of the lead's language (the codes stay in answers).
    reasons = (row["answers"] or {}).get(TRIAGE_KEY) or []
    language = row["language"] if row["language"] in ("en", "zh") else "en"
    payload["urgency_reasons"] = [triage.reason_label(reason, language) for reason in reasons]
    if consent.get("sensitive") is False:
        # Sensitive consent refused (PIPL Art. 29): only the topic, the urgency level, the
        # language and the contact details go out, whatever the stored lead holds.
        payload.update(summary="", answers={}, urgency_reasons=[], counterparty=None)
    return payload


def share(session: Session, lead: Lead, firm_ids: Iterable[int], language: str) -> list[outbox.Delivery]:
    """Records the user's consent to share the lead with these firms and queues one delivery per
    firm and method (webhook and/or email), all in one transaction; commits.

    `firm_ids` must be firms the user was shown (they come from `lead.matches`) and still active.
    `language` is the language the consent question was asked in, kept with the consent.
    Calling it again with the same firms queues nothing twice. Returns the new deliveries.
    """
    firm_ids = list(dict.fromkeys(int(firm_id) for firm_id in firm_ids))
    if not firm_ids:
        raise ValueError("share needs at least one firm; use decline_share when the user says no")
    if language not in ("en", "zh"):
        raise ValueError(f"language must be en or zh, not {language!r}")
    if lead.status != "matched":
        raise ValueError(f"lead {lead.id} is {lead.status!r}: only a matched lead can be shared")
    shown = {match["firm_id"] for match in lead.matches or []}
    unseen = [firm_id for firm_id in firm_ids if firm_id not in shown]
    if unseen:
        raise ValueError(f"firm(s) {unseen} were not among the matches the user was shown")
    firms = {firm.id: firm for firm in session.execute(select(Firm).where(Firm.id.in_(firm_ids))).scalars()}
    inactive = [firm_id for firm_id in firm_ids if firm_id not in firms or not firms[firm_id].active]
    if inactive:
        raise ValueError(f"firm(s) {inactive} are no longer in the directory: match the lead again")
    names = [firms[firm_id].name for firm_id in firm_ids]
    try:
        # A new dict, not an in-place change: the JSON column only notices assignment.
        lead.consent = {
            **(lead.consent or {}),
            "share_with_firms": names,
            "share_with_firms_at": iso(utcnow()),
            "share_language": language,
        }
        leads.record_event(
            session,
            lead,
            "share_consented",
            detail={"firm_ids": firm_ids, "firms": names, "language": language},
        )
        payload = firm_payload(lead)
        queued = [
            delivery
            for firm_id in firm_ids
            for method in firms[firm_id].methods
            if (delivery := outbox.enqueue(session, lead, firms[firm_id], method, payload)) is not None
        ]
        session.commit()
    except Exception:
        session.rollback()
        raise
    return queued


def decline_share(session: Session, lead: Lead) -> None:
    """The user said no: the lead stays with the platform only (staff can still call back). Commits."""
    lead.consent = {**(lead.consent or {}), "share_with_firms": [], "share_declined_at": iso(utcnow())}
    leads.record_event(session, lead, "share_declined")
    session.commit()


# The consent question's texts (sharing.*) in bot/knowledge/messages.yml.
MESSAGES = Path(__file__).resolve().parents[1] / "knowledge" / "messages.yml"


@lru_cache(maxsize=1)
def _texts() -> dict[str, dict[str, str]]:
    loaded: dict[str, dict[str, dict[str, str]]] = yaml.safe_load(MESSAGES.read_text(encoding="utf-8"))
    return loaded["sharing"]


def describe_recipients(matches: Iterable[Mapping[str, Any]], language: str, minimal: bool = False) -> str:
    """The consent question's explanation: which firms would receive the lead and what they
    would get, in English or Simplified Chinese. `matches` is `lead.matches` (or the part of it
    the user is asked about); `minimal`: the sensitive consent was refused, so they would get
    only the topic, the urgency and the contact details (`firm_payload`)."""
    names = [match["name"] for match in matches]
    if not names:
        raise ValueError("describe_recipients needs at least one firm")
    if language not in ("en", "zh"):
        raise ValueError(f"language must be en or zh, not {language!r}")
    listed = "\n".join(f"{number}. {name}" for number, name in enumerate(names, 1))
    texts = _texts()
    recipients = texts["recipients_one" if len(names) == 1 else "recipients_many"][language]
    received = texts["received_minimal" if minimal else "received"][language]
    return recipients.format(listed=listed, received=received)
