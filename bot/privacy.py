"""Privacy: the user's right to erasure and the retention period of the privacy notice
(PIPL Art. 19 and 47), in one place.

Erasure: `erase` is the one way anything personal is erased, whoever asks - the user in the
chat ("delete my data", actions/anytime.py), staff on a request by email or phone (`lawbot
erase --conversation ID | --phone N | --email E`). It deletes the leads (with their events and
outbox rows), queues an erasure notice (`lead.erased`) for every firm that received one of
them, deletes the spooled copies, the conversations in the tracker store and the lines of the
log files that name the person, and writes an audit entry that says what was erased without
keeping it (bot/audit.py). Erasure by phone or email also finds the conversations in which
the phone or email was typed though no lead was made, by decrypting the tracker store's
events (bot/transcripts.py). The in-chat conversation is also erased by the tracker store at the
end of the turn (bot/rasa/stores.py), since Rasa writes the turn's events after the action.

Retention: `purge_expired` deletes what is older than `Settings.retention_days`: leads,
conversations in the tracker store whose last event is older, spooled leads, logs (rotated daily,
bot/logfiles.py), the staff audit and expired staff sessions. The worker runs it at start and hourly.
Both reach the event consumer's conversation rows too (bot/events.py, production profile).

Longer than 300 lines: erasure and retention across every store belong in one place.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot import audit, crypto, db, events, leads, logfiles, spool, staff, transcripts
from bot.delivery import outbox
from bot.leads import Lead, LeadEvent
from bot.settings import Settings
from bot.settings import load as load_settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Report:
    """How many of each were deleted by one `purge_expired`."""

    leads: int = 0
    conversations: int = 0
    spooled: int = 0
    logs: int = 0

    @property
    def total(self) -> int:
        return self.leads + self.conversations + self.spooled + self.logs


@dataclass(frozen=True)
class Erasure:
    """What one `erase` did: counts only (this is what the audit keeps), and the erased leads' ids."""

    counts: dict[str, int] = field(default_factory=dict)
    lead_ids: tuple[str, ...] = ()


# ---------------------------------------------------------------- erasure


def leads_with_contact(session: Session, *, phone: str | None = None, email: str | None = None) -> list[Lead]:
    """The leads whose contact has this phone or email (normalised: E.164, lower case), through
    the keyed-hash search of bot/leads.py."""
    return list(leads.search(session, phone=phone, email=email))


def _contact_matcher(phone: str | None, email: str | None) -> Any:
    phone_n = crypto.normalise_phone(phone) if phone else None
    email_n = crypto.normalise_email(email) if email else None

    def matches(contact: dict[str, Any] | None) -> bool:
        contact = contact or {}
        given_phone, given_email = contact.get("phone"), contact.get("email")
        return bool(
            (phone_n and given_phone and crypto.normalise_phone(str(given_phone)) == phone_n)
            or (email_n and given_email and crypto.normalise_email(str(given_email)) == email_n)
        )

    return matches


def erase(
    *,
    conversation_id: str | None = None,
    phone: str | None = None,
    email: str | None = None,
    actor: str = "staff",
    settings: Settings | None = None,
    url: str | None = None,
) -> Erasure:
    """Erases everything held about a conversation, or about whoever left this phone or email:
    leads, events, outbox rows, spooled leads, tracker-store conversations, log lines; queues an
    erasure notice for every firm that received a lead; writes the audit entry (`actor`: user,
    staff). Raises db.Unavailable when the leads database is down (nothing is erased then).
    `settings`, `url`: the configuration and the leads database (the configured ones by default)."""
    if sum(bool(x) for x in (conversation_id, phone, email)) != 1:
        raise ValueError("erase needs exactly one of conversation_id, phone, email")
    settings = settings or load_settings()
    scope = "conversation" if conversation_id else "phone" if phone else "email"
    by_contact = _contact_matcher(phone, email)

    def spooled_match(fields: dict[str, Any]) -> bool:
        if conversation_id:
            return fields.get("conversation_id") == conversation_id
        return bool(by_contact(fields.get("contact")))

    # Under the spool's lock: no flush can save a spooled copy between the two steps below.
    with spool.locked(settings.var_dir):
        spooled = spool.matching(spooled_match, settings.var_dir)
        with db.session_scope(url or settings.database_url) as session:
            found = (
                leads.of_conversation(session, conversation_id)
                if conversation_id
                else leads_with_contact(session, phone=phone, email=email)
            )
            lead_ids = tuple(lead.id for lead in found)
            conversations = {conversation_id} if conversation_id else set()
            conversations |= {lead.conversation_id for lead in found}
            contacts = [dict(lead.contact or {}) for lead in found]
            keys = [lead.idempotency_key for lead in found] + [r["idempotency_key"] for r in spooled]
            counts = {**_delete_leads(session, found), "spooled": len(spooled)}
            events.erase(session, conversations)  # the dashboard's row of each
            entry = audit.record(session, actor, scope, counts, lead_ids=lead_ids, erased_keys=keys)
            session.flush()
            entry_id = int(entry.id)
        spool.erase(spooled_match, settings.var_dir)

    for fields in (r["fields"] for r in spooled):
        conversations.add(str(fields.get("conversation_id") or ""))
        contacts.append(dict(fields.get("contact") or {}))
    conversations.discard("")
    more: dict[str, int] = {}
    # By phone or email: also the conversations in which it (or another phone or email of the
    # leads found) was typed, read through the decryption. By conversation: that one only, so
    # a user cannot reach someone else's conversations by typing their number.
    typed = _contact_texts(contacts, phone, email) if not conversation_id else set()
    more["conversations"], more["tracker_events"] = transcripts.erase(
        settings.tracker_store_url, conversations, contact_texts=typed
    )
    more["log_lines"] = logfiles.scrub(settings.var_dir, _needles(conversations, contacts, phone, email))
    _complete_audit(url or settings.database_url, entry_id, more)
    counts.update(more)
    log.info(
        "erasure (%s, by %s): %s", scope, actor, ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
    )
    return Erasure(counts=counts, lead_ids=lead_ids)


def _delete_leads(session: Session, found: list[Lead]) -> dict[str, int]:
    """Deletes the leads (events and outbox rows by cascade) and queues the erasure notices;
    returns the counts."""
    now = db.utcnow()
    counts = {"leads": len(found), "lead_events": 0, "deliveries": 0, "notices": 0}
    for lead in found:
        counts["lead_events"] += session.execute(
            select(func.count()).select_from(LeadEvent).where(LeadEvent.lead_id == lead.id)
        ).scalar_one()
        counts["deliveries"] += session.execute(
            select(func.count()).select_from(outbox.Delivery).where(outbox.Delivery.lead_id == lead.id)
        ).scalar_one()
        for firm_id, method in outbox.recipients(session, lead.id):
            counts["notices"] += (
                outbox.enqueue_erasure_notice(session, lead.id, firm_id, method, now) is not None
            )
        session.delete(lead)  # cascades to lead.events and lead.deliveries
    session.flush()
    return counts


def _needles(
    conversations: Iterable[str], contacts: Iterable[dict[str, Any]], phone: str | None, email: str | None
) -> set[str]:
    """What identifies the person in a log line: conversation ids, phone numbers (as given and
    in their national form), emails, names."""
    needles = {c for c in conversations if c}
    phones = [phone, *(c.get("phone") for c in contacts)]
    for number in filter(None, phones):
        needles |= {str(number), crypto.normalise_phone(str(number))}
        digits = crypto.normalise_phone(str(number))
        if digits.startswith("+86"):
            needles.add(digits[3:])
    needles |= {str(e) for e in [email, *(c.get("email") for c in contacts)] if e}
    needles |= {str(c.get("name")) for c in contacts if c.get("name") and len(str(c.get("name"))) >= 2}
    needles |= {str(c.get("wechat_id")) for c in contacts if c.get("wechat_id")}
    return needles


def _contact_texts(contacts: Iterable[dict[str, Any]], phone: str | None, email: str | None) -> set[str]:
    """The phones (as given, E.164, national) and emails to look for in the tracker store's
    conversations. Not names: a name is not unique, and would erase strangers' conversations."""
    contacts = list(contacts)
    identifiers = _needles((), contacts, phone, email)
    names = {str(c.get("name")) for c in contacts if c.get("name")}
    return {needle for needle in identifiers if needle not in names}


def _complete_audit(url: str, entry_id: int, more: dict[str, int]) -> None:
    """Adds the counts of what was erased outside the leads database to the audit entry."""
    try:
        with db.session_scope(url) as session:
            entry = session.get(audit.ErasureAudit, entry_id)
            if entry is not None:
                entry.counts = {**(entry.counts or {}), **more}
    except db.Unavailable:
        log.warning("erasure audit %s: the counts outside the leads database were not recorded", entry_id)


def erase_conversation(session: Session, conversation_id: str) -> int:
    """Deletes every lead of a conversation, with its events and outbox rows; commits; returns how
    many leads. (What `erase` does in the leads database; kept for the callers that hold a session.)"""
    return _delete(session, leads.of_conversation(session, conversation_id))


def erase_spooled(conversation_id: str) -> int:
    """Deletes the conversation's leads still waiting in the spool; returns how many."""
    return spool.erase_conversation(conversation_id)


def _delete(session: Session, doomed: list[Lead]) -> int:
    for lead in doomed:
        session.delete(lead)  # cascades to lead.events and lead.deliveries
    session.commit()
    return len(doomed)


# ---------------------------------------------------------------- retention


def purge_leads(session: Session, cutoff: datetime) -> int:
    """Deletes the leads created before `cutoff`, as erasure does; commits; returns how many."""
    return _delete(session, list(session.execute(select(Lead).where(Lead.created_at < cutoff)).scalars()))


def purge_unconsented(
    now: datetime | None = None, *, settings: Settings | None = None, url: str | None = None
) -> int:
    """Deletes the conversations that never reached consent (no lead, saved or spooled, records a
    consent given) and whose latest event is older than `Settings.unconsented_days`; returns
    how many. `settings`, `url`: as in `purge_expired`."""
    settings = settings or load_settings()
    cutoff = (now or db.utcnow()) - timedelta(days=settings.unconsented_days)
    stale = transcripts.stale(settings.tracker_store_url, cutoff)
    if not stale:
        return 0
    with db.session_scope(url or settings.database_url) as session:
        saved = session.execute(select(Lead).where(Lead.conversation_id.in_(stale))).scalars()
        consented = {lead.conversation_id for lead in saved if (lead.consent or {}).get("given_at")}
    consented |= {
        str(record["fields"].get("conversation_id"))
        for record in spool.pending()
        if (record["fields"].get("consent") or {}).get("given_at")
    }
    doomed = [sender_id for sender_id in stale if sender_id not in consented]
    transcripts.erase(settings.tracker_store_url, doomed)
    with db.session_scope(url or settings.database_url) as session:
        events.erase(session, doomed)
    if doomed:
        log.info("deleted %d conversation(s) that never reached consent", len(doomed))
    return len(doomed)


def purge_expired(
    now: datetime | None = None, *, settings: Settings | None = None, url: str | None = None
) -> Report:
    """Deletes everything older than the retention period: leads, conversations, spooled leads,
    log files (after rotating the active ones), the staff audit and expired staff sessions.
    `settings`, `url`: configuration, leads database (configured ones by default); raises db.Unavailable."""
    settings = settings or load_settings()
    now = now or db.utcnow()
    cutoff = now - timedelta(days=settings.retention_days)
    with db.session_scope(url or settings.database_url) as session:
        purged_leads = purge_leads(session, cutoff)
        audit.purge_tombstones(session, cutoff)
        staff.purge_older_than(session, cutoff)
        events.purge_older_than(session, cutoff)
    report = Report(
        leads=purged_leads,
        conversations=transcripts.purge_older_than(settings.tracker_store_url, cutoff),
        spooled=spool.purge_older_than(cutoff, settings.var_dir),
        logs=logfiles.purge(settings.var_dir, cutoff),
    )
    logfiles.rotate(settings.var_dir, now)  # after the purge: a rotated copy keeps the file's time
    if report.total:
        with db.session_scope(url or settings.database_url) as session:
            audit.record(session, "retention", "expired", dataclasses.asdict(report))
        log.info(
            "retention: deleted %d lead(s), %d conversation(s), %d spooled lead(s), %d log file(s)",
            report.leads,
            report.conversations,
            report.spooled,
            report.logs,
        )
    return report


def audit_entries(url: str | None = None) -> list[dict[str, Any]]:
    """The erasure audit, oldest first, for staff (`lawbot erase --audit`)."""
    with db.session_scope(url) as session:
        return [entry.to_dict() for entry in audit.entries(session)]
