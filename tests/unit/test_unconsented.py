"""Conversations that never reached consent are not kept: `privacy.purge_unconsented` deletes them
after `Settings.unconsented_days`, and keeps every conversation whose lead records a consent."""

from __future__ import annotations

import dataclasses
import sqlite3
from datetime import timedelta

from bot import db, leads, privacy
from bot.settings import load as load_settings
from tests.support import lead_fields


def tracker_store(path, events: list[tuple[str, float]]) -> None:
    """Rasa's SQL tracker store `events` table, one row per (sender_id, timestamp)."""
    with sqlite3.connect(path) as connection:
        connection.execute("create table events (id integer primary key, sender_id text, timestamp real)")
        connection.executemany("insert into events (sender_id, timestamp) values (?, ?)", events)


def senders(path) -> list[str]:
    with sqlite3.connect(path) as connection:
        return sorted({row[0] for row in connection.execute("select sender_id from events")})


def test_an_old_unconsented_conversation_goes_and_a_consented_or_recent_one_stays(
    tmp_path, sqlite_url, monkeypatch
):
    monkeypatch.setenv("LAWBOT_VAR_DIR", str(tmp_path))  # an empty spool
    settings = dataclasses.replace(
        load_settings(), var_dir=tmp_path, database_url=sqlite_url, unconsented_days=30
    )
    now = db.utcnow()
    old, recent = (now - timedelta(days=40)).timestamp(), (now - timedelta(days=5)).timestamp()
    with db.session_scope(sqlite_url) as session:
        leads.save(session, "consented:1", **lead_fields(conversation_id="consented"))
    tracker_store(
        settings.tracker_db,
        [
            ("refused", old - 60),
            ("refused", old),  # every event is old: the whole conversation goes
            ("consented", old),  # old too, but its lead records the consent: kept (retention applies)
            ("recent", recent),  # no consent yet, but within the 30 days
            ("resumed", old),
            ("resumed", recent),  # its latest message is recent: kept
        ],
    )

    assert privacy.purge_unconsented(now, settings=settings) == 1

    assert senders(settings.tracker_db) == ["consented", "recent", "resumed"]
    assert privacy.purge_unconsented(now, settings=settings) == 0
    later = now + timedelta(days=30)
    assert privacy.purge_unconsented(later, settings=settings) == 2
    assert senders(settings.tracker_db) == ["consented"]


def test_a_lead_without_a_consent_given_does_not_keep_its_conversation(tmp_path, sqlite_url, monkeypatch):
    monkeypatch.setenv("LAWBOT_VAR_DIR", str(tmp_path))
    settings = dataclasses.replace(load_settings(), var_dir=tmp_path, database_url=sqlite_url)
    now = db.utcnow()
    with db.session_scope(sqlite_url) as session:
        leads.save(session, "x:1", **lead_fields(conversation_id="x", consent={"given_at": None}))
    tracker_store(settings.tracker_db, [("x", (now - timedelta(days=31)).timestamp())])
    assert privacy.purge_unconsented(now, settings=settings) == 1
    assert senders(settings.tracker_db) == []


def test_no_tracker_store_yet_purges_nothing(tmp_path, sqlite_url):
    settings = dataclasses.replace(load_settings(), var_dir=tmp_path, database_url=sqlite_url)
    assert privacy.purge_unconsented(settings=settings) == 0
