"""bot/privacy.py: erasure through the ORM's cascades, and retention of everything the
privacy notice names (leads, conversations, spooled leads, log files)."""

from __future__ import annotations

import dataclasses
import os
import sqlite3
from datetime import timedelta

from sqlalchemy import func, select

from bot import db, leads, privacy, spool
from bot.settings import load as load_settings
from tests.support import lead_fields


def test_erasure_deletes_the_leads_events_with_it(session, make_lead):
    lead = make_lead(session)
    other = make_lead(session)
    leads.set_status(session, lead, "needs_sourcing")
    leads.set_status(session, other, "needs_sourcing")
    session.commit()
    assert privacy.erase_conversation(session, lead.conversation_id) == 1
    remaining = session.execute(select(leads.LeadEvent.lead_id)).scalars().all()
    assert remaining == [other.id]


def tracker_store(path, conversations: dict[str, float]) -> None:
    """A tracker store's `events` table with one event per conversation at the given time."""
    with sqlite3.connect(path) as connection:
        connection.execute("create table events (id integer primary key, sender_id text, timestamp real)")
        connection.executemany(
            "insert into events (sender_id, timestamp) values (?, ?)", list(conversations.items())
        )


def test_everything_older_than_the_retention_period_is_purged(tmp_path, sqlite_url, monkeypatch):
    monkeypatch.setenv("LAWBOT_VAR_DIR", str(tmp_path))
    settings = dataclasses.replace(
        load_settings(), var_dir=tmp_path, database_url=sqlite_url, retention_days=180
    )
    now = db.utcnow()
    old, recent = now - timedelta(days=200), now - timedelta(days=10)

    with db.session_scope(sqlite_url) as session:
        leads.save(session, "old:1", **lead_fields(created_at=old))
        leads.save(session, "new:1", **lead_fields(created_at=recent))
    spool.write("old:2", lead_fields(conversation_id="old", created_at=old))
    spool.write("new:2", lead_fields(conversation_id="new", created_at=recent))
    tracker_store(settings.tracker_db, {"old": old.timestamp(), "new": recent.timestamp()})
    logs = tmp_path / "log"
    logs.mkdir()
    for name, moment in (("old.log", old), ("rasa.log.1", old), ("new.log", recent), ("notes.txt", old)):
        (logs / name).write_text("...", encoding="utf-8")
        os.utime(logs / name, (moment.timestamp(), moment.timestamp()))

    report = privacy.purge_expired(now, settings=settings)

    assert report == privacy.Report(leads=1, conversations=1, spooled=1, logs=2)
    with db.session_scope(sqlite_url) as session:
        assert [lead.idempotency_key for lead in leads.newest_first(session)] == ["new:1"]
        assert session.execute(select(func.count()).select_from(leads.LeadEvent)).scalar_one() == 0
    assert [r["fields"]["conversation_id"] for r in spool.pending()] == ["new"]
    with sqlite3.connect(settings.tracker_db) as connection:
        assert connection.execute("select sender_id from events").fetchall() == [("new",)]
    assert sorted(p.name for p in logs.iterdir()) == ["new.log", "notes.txt"]
    assert privacy.purge_expired(now, settings=settings).total == 0
