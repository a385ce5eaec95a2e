"""The tracker store's erasure at save time, and the retention of conversations, on a real
SQLite tracker store (Rasa's own SQL tracker store underneath)."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from datetime import datetime, timedelta, timezone

from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.privacy import purge_conversations
from bot.rasa.stores import ERASE_SLOT, ErasingSQLTrackerStore


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
