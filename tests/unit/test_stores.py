"""The tracker store's encryption of every event, its erasure at save time, and the retention
of conversations, on a real SQLite tracker store (Rasa's own SQL tracker store underneath)
and, for the encryption, on PostgreSQL too."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
import uuid
from datetime import datetime, timedelta, timezone

from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.rasa.stores import ERASE_SLOT, ErasingSQLTrackerStore
from bot.transcripts import purge_older_than as purge_conversations
from tests.support import POSTGRES_ADMIN_URL, require_postgres


def rows(db, sender):
    with sqlite3.connect(db) as connection:
        return connection.execute("select count(*) from events where sender_id = ?", (sender,)).fetchone()[0]


def tracker(domain, sender, *events):
    return DialogueStateTracker.from_events(sender, list(events), slots=domain.slots)


def test_a_turn_that_asks_for_erasure_deletes_the_stored_conversation(tmp_path, domain):
    db = tmp_path / "tracker.db"
    store = ErasingSQLTrackerStore(domain=domain, dialect="sqlite", db=str(db))
    conversation = tracker(domain, "alice", UserUttered("我的手机号是13812345678"))
    asyncio.run(store.save(conversation))
    asyncio.run(store.save(tracker(domain, "bob", UserUttered("hello"))))
    assert rows(db, "alice") == 1
    conversation.update(UserUttered("删除我的数据"))
    conversation.update(SlotSet(ERASE_SLOT, True))
    asyncio.run(store.save(conversation))
    assert rows(db, "alice") == 0, "nothing of the conversation is written back"
    assert rows(db, "bob") == 1


def test_conversations_past_the_retention_period_are_deleted_whole(tmp_path, domain):
    db = tmp_path / "tracker.db"
    store = ErasingSQLTrackerStore(domain=domain, dialect="sqlite", db=str(db))
    now = time.time()
    old, recent = now - 200 * 86400, now - 10 * 86400
    asyncio.run(store.save(tracker(domain, "old", UserUttered("hi", timestamp=old))))
    asyncio.run(
        store.save(
            tracker(
                domain,
                "active",
                UserUttered("hi", timestamp=old),
                UserUttered("still here", timestamp=recent),
            )
        )
    )
    cutoff = datetime.fromtimestamp(now, timezone.utc) - timedelta(days=180)
    assert purge_conversations(f"sqlite:///{db}", cutoff) == 1
    assert rows(db, "old") == 0
    assert rows(db, "active") == 2, "a conversation still in use keeps its whole history"
    assert purge_conversations(f"sqlite:///{tmp_path / 'missing.db'}", cutoff) == 0


def test_events_are_stored_encrypted_and_read_back_whole(tmp_path, domain):
    db = tmp_path / "tracker.db"
    store = ErasingSQLTrackerStore(domain=domain, dialect="sqlite", db=str(db))
    said = "我叫王芳，手机13812345678，邮箱wang@example.com，公司被勒索病毒加密"
    asyncio.run(
        store.save(tracker(domain, "alice", UserUttered(said), SlotSet("contact_phone", "+8613812345678")))
    )
    with sqlite3.connect(db) as connection:
        raw = [" ".join(map(str, row)) for row in connection.execute("select * from events")]
    assert len(raw) == 2
    for secret in ("王芳", "13812345678", "wang@example.com", "勒索病毒"):
        assert not [row for row in raw if secret in row], f"{secret} in plaintext"
    back = asyncio.run(store.retrieve("alice"))
    assert back.latest_message.text == said and back.get_slot("contact_phone") == "+8613812345678"


def test_events_stored_before_encryption_are_encrypted_when_the_store_starts(tmp_path, domain):
    db = tmp_path / "tracker.db"
    ErasingSQLTrackerStore(domain=domain, dialect="sqlite", db=str(db))
    plain = UserUttered("我的邮箱是wang@example.com", timestamp=time.time()).as_dict()
    with sqlite3.connect(db) as connection:
        connection.execute(
            "insert into events (sender_id, type_name, timestamp, data) values (?, ?, ?, ?)",
            ("old", "user", plain["timestamp"], json.dumps(plain)),
        )
    store = ErasingSQLTrackerStore(domain=domain, dialect="sqlite", db=str(db))
    with sqlite3.connect(db) as connection:
        [data] = connection.execute("select data from events").fetchone()
    assert "wang@example.com" not in data
    assert asyncio.run(store.retrieve("old")).latest_message.text == "我的邮箱是wang@example.com"


def test_the_encrypted_store_works_on_postgresql(domain):
    admin = require_postgres()
    name = f"lawbot_tracker_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f"create database {name}"))
    url = make_url(POSTGRES_ADMIN_URL)
    try:
        store = ErasingSQLTrackerStore(
            domain=domain, dialect="postgresql", host=url.host, port=url.port, username=url.username, db=name
        )
        asyncio.run(store.save(tracker(domain, "carol", UserUttered("手机13812345678"))))
        with store.engine.connect() as connection:
            data = connection.execute(text("select data from events")).scalar_one()
        assert "13812345678" not in data
        assert asyncio.run(store.retrieve("carol")).latest_message.text == "手机13812345678"
        store.engine.dispose()
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"drop database {name} with (force)"))
