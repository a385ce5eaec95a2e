"""What the production stores do when their service is away (tests/integration/test_faults.py
has the real outages): a turn that meets an unreachable tracker database or Redis is abandoned
with the apology, never half-saved; the lock store releases a served turn's lock without
raising when Redis is gone; the tracker store publishes a turn's events only once they are
stored, waits until the broker has sent them, and tests pooled connections before use."""

from __future__ import annotations

import asyncio
import sqlite3
import time

import pytest
import redis
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig
from sqlalchemy.exc import OperationalError

from bot.rasa.lock_store import AtomicRedisLockStore
from bot.rasa.serve import apology, guard
from bot.rasa.stores import ErasingSQLTrackerStore
from tests.support import free_port


class Limitless:
    def check(self, conversation, address, text):
        return None


def turn(error: BaseException) -> list[str]:
    """One message through the guard, the turn failing with `error` after a first reply."""

    async def on_new_message(message):
        await message.output_channel.send_response(message.sender_id, {"text": "half a turn"})
        raise error

    async def english(sender_id, text):
        return "en"

    async def go():
        output = CollectingOutputChannel()
        await guard(on_new_message, Limitless(), False, english)(UserMessage("hello", output, "rest:u1"))
        return [m["text"] for m in output.messages]

    return asyncio.run(go())


def test_a_turn_meeting_an_unreachable_store_gets_the_apology_instead_of_nothing():
    database_down = OperationalError("select", {}, Exception("connection refused"))
    for error in (database_down, redis.ConnectionError("Connection refused"), redis.TimeoutError("timeout")):
        assert turn(error) == [apology("en")], error


def test_other_errors_are_not_taken_for_an_outage():
    with pytest.raises(ValueError):
        turn(ValueError("a bug"))


def test_the_lock_store_without_redis_refuses_a_ticket_at_once_and_releases_without_raising():
    store = AtomicRedisLockStore(EndpointConfig(url="127.0.0.1", port=free_port(), db=9, key_prefix="down"))
    started = time.monotonic()
    with pytest.raises(redis.ConnectionError):
        store.issue_ticket("rest:u1")
    store.cleanup("rest:u1", 0)  # the turn is over: logged, not raised
    assert time.monotonic() - started < 5


class Broker:
    """Records each event with the number of the conversation's rows stored when it came, and
    publishes in a background task, as Rasa's Pika broker does."""

    def __init__(self, db):
        self.db, self.seen, self.sent = db, [], []
        self._background_tasks = set()

    def publish(self, event, headers=None):
        with sqlite3.connect(self.db) as connection:
            stored = connection.execute(
                "select count(*) from events where sender_id = ?", (event["sender_id"],)
            ).fetchone()[0]
        self.seen.append((event["event"], stored))

        async def send():
            await asyncio.sleep(0.05)
            self.sent.append(event["event"])

        task = asyncio.get_running_loop().create_task(send())
        self._background_tasks.add(task)
        task.add_done_callback(self._background_tasks.discard)


def test_events_go_to_the_broker_once_stored_and_are_sent_before_the_save_returns(tmp_path, domain):
    db = tmp_path / "tracker.db"
    broker = Broker(db)
    store = ErasingSQLTrackerStore(domain=domain, dialect="sqlite", db=str(db), event_broker=broker)
    assert store.engine.pool._pre_ping  # a connection the database dropped is replaced, not used
    conversation = DialogueStateTracker.from_events(
        "alice", [UserUttered("hello"), SlotSet("language", "en")], slots=domain.slots
    )
    asyncio.run(store.save(conversation))
    assert broker.seen == [("user", 2), ("slot", 2)]
    assert broker.sent == ["user", "slot"]

    # A save that fails in the database publishes nothing: the user sends the message again,
    # and the consumer must not count it twice.
    with sqlite3.connect(db) as connection:
        connection.execute(
            "create trigger refuse before insert on events begin select raise(abort, 'disk full'); end"
        )
    conversation.update(UserUttered("again"))
    with pytest.raises(Exception, match="disk full"):
        asyncio.run(store.save(conversation))
    assert broker.seen == [("user", 2), ("slot", 2)]


def test_rasas_fail_safe_store_raises_during_a_turn_instead_of_starting_the_conversation_anew(domain):
    from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore

    from bot.rasa.outages import raise_tracker_store_errors
    from bot.rasa.serve import ABANDON_ON_FAILED_ACTION

    class Down(InMemoryTrackerStore):
        async def retrieve(self, sender_id):
            raise OperationalError("select", {}, Exception("connection refused"))

        async def save(self, tracker):
            raise OperationalError("insert", {}, Exception("connection refused"))

    raise_tracker_store_errors(ABANDON_ON_FAILED_ACTION.get)
    store = FailSafeTrackerStore(Down(domain))
    conversation = DialogueStateTracker.from_events("alice", [UserUttered("hello")], slots=domain.slots)
    assert asyncio.run(store.retrieve("alice")) is None  # outside a turn: Rasa's fallback
    token = ABANDON_ON_FAILED_ACTION.set(True)
    try:
        with pytest.raises(OperationalError):
            asyncio.run(store.retrieve("alice"))
        with pytest.raises(OperationalError):
            asyncio.run(store.save(conversation))
    finally:
        ABANDON_ON_FAILED_ACTION.reset(token)
    assert asyncio.run(store.fallback_tracker_store.retrieve("alice")) is None, "nothing saved in memory"
