"""Privacy: the user's right to erasure and the retention period of the privacy notice
(PIPL Art. 19 and 47), in one place.

Erasure: `erase_conversation` deletes a conversation's leads with everything that holds a copy
of them (events, outbox rows: ORM cascades on `Lead`), `erase_spooled` the ones still waiting
in the spool. The conversation's transcript is erased by the tracker store at the end of the
turn (bot/rasa/stores.py).

Retention: `purge_expired` deletes what is older than `Settings.retention_days`: leads,
conversations in the tracker store whose last event is older, spooled leads, and log files
under var/. The delivery worker calls it once an hour.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

from bot import db, leads, spool
from bot.delivery import outbox  # noqa: F401 (maps Lead.deliveries, so erasure reaches the outbox)
from bot.leads import Lead
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


# ---------------------------------------------------------------- erasure


def erase_conversation(session: Session, conversation_id: str) -> int:
    """Deletes every lead of a conversation, with its events and outbox rows (the user's right
    to erasure); commits; returns how many leads."""
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


def purge_conversations(tracker_store_url: str, cutoff: datetime) -> int:
    """Deletes whole conversations whose latest event is older than `cutoff` (the privacy notice
    promises it for transcripts as for leads); returns how many."""
    engine = create_engine(tracker_store_url, future=True)
    try:
        with engine.begin() as connection:
            if not engine.dialect.has_table(connection, "events"):
                return 0
            stale = [
                row[0]
                for row in connection.execute(
                    text("select sender_id from events group by sender_id having max(timestamp) < :cutoff"),
                    {"cutoff": cutoff.timestamp()},
                )
            ]
            for sender_id in stale:
                connection.execute(text("delete from events where sender_id = :s"), {"s": sender_id})
    finally:
        engine.dispose()
    return len(stale)


def purge_logs(folder: Path, cutoff: datetime) -> int:
    """Deletes log files under `folder` (`*.log`, and rotated `*.log.N`) last written before `cutoff`."""
    if not folder.exists():
        return 0
    purged = 0
    for path in folder.rglob("*.log*"):
        if not (path.suffix == ".log" or ".log." in path.name) or not path.is_file():
            continue
        if path.stat().st_mtime < cutoff.timestamp():
            path.unlink(missing_ok=True)
            purged += 1
    return purged


def purge_expired(
    now: datetime | None = None, *, settings: Settings | None = None, url: str | None = None
) -> Report:
    """Deletes everything older than the retention period: leads, conversations, spooled leads,
    log files. `settings`: the configuration (loaded by default); `url`: the leads database
    (the configured one by default). Raises db.Unavailable when the leads database is down."""
    settings = settings or load_settings()
    cutoff = (now or db.utcnow()) - timedelta(days=settings.retention_days)
    with db.session_scope(url or settings.database_url) as session:
        purged_leads = purge_leads(session, cutoff)
    report = Report(
        leads=purged_leads,
        conversations=purge_conversations(settings.tracker_store_url, cutoff),
        spooled=spool.purge_older_than(cutoff, settings.var_dir),
        logs=purge_logs(settings.var_dir, cutoff),
    )
    if report.total:
        log.info(
            "retention: deleted %d lead(s), %d conversation(s), %d spooled lead(s), %d log file(s)",
            report.leads,
            report.conversations,
            report.spooled,
            report.logs,
        )
    return report
