"""The event consumer of the production profile (`python -m bot.events`): reads the tracker
events Rasa's Pika event broker publishes to RabbitMQ and keeps, per conversation, the small
table the staff dashboard reads (`conversation_activity`, in the leads database).

The events reach the queue already reduced to names, counts and times (`names_only`, applied by
the broker bot/rasa/broker.py): no text, entity or slot value crosses RabbitMQ.
What it keeps carries nothing a user typed: the conversation id, its channel, counts of user
and bot messages, the last intent and action names, the form the conversation is in (its
"step") and timestamps. A conversation still in a form and idle for a while has dropped off
(`drop_offs`). Erasure and retention delete a conversation's row with its transcript
(bot/privacy.py calls `erase`).

Each message is acknowledged after its row is committed; a database that does not answer
leaves the message on the queue (taken again after a pause), so nothing is lost while it is
down. RabbitMQ may deliver a message twice after a consumer crash: a count can then be one
too high, never lower. While RabbitMQ is away the consumer reconnects by itself (every 5 s),
and each Rasa server keeps the events it could not publish in memory and publishes them once
it is back (tests/integration/test_faults.py)."""

from __future__ import annotations

import asyncio
import json
import logging
import signal
import sys
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import Column, DateTime, Integer, String, delete, select
from sqlalchemy.orm import Session, sessionmaker

from bot import db
from bot.db import Base, utcnow
from bot.settings import Settings
from bot.settings import load as load_settings

log = logging.getLogger(__name__)

NAME_CHARS = 100  # intent, action and form names are cut to this


class ConversationActivity(Base):  # type: ignore[misc]  # SQLAlchemy 1.4 declarative base is untyped
    __tablename__ = "conversation_activity"

    conversation_id = Column(String(200), primary_key=True)
    channel = Column(String(20), nullable=False)
    started_at = Column(DateTime(timezone=True), nullable=False)
    last_event_at = Column(DateTime(timezone=True), nullable=False, index=True)
    user_messages = Column(Integer, nullable=False, default=0)
    bot_messages = Column(Integer, nullable=False, default=0)
    last_intent = Column(String(NAME_CHARS))
    last_action = Column(String(NAME_CHARS))
    active_form = Column(String(NAME_CHARS))  # None: not inside a form

    def to_dict(self) -> dict[str, Any]:
        return {
            "conversation_id": self.conversation_id,
            "channel": self.channel,
            "started_at": db.iso(self.started_at),
            "last_event_at": db.iso(self.last_event_at),
            "user_messages": self.user_messages,
            "bot_messages": self.bot_messages,
            "last_intent": self.last_intent,
            "last_action": self.last_action,
            "active_form": self.active_form,
        }


def _name(value: object) -> str | None:
    return str(value)[:NAME_CHARS] if value else None


def _moment(event: dict[str, Any]) -> datetime:
    stamp = event.get("timestamp")
    if isinstance(stamp, (int, float)):
        return datetime.fromtimestamp(stamp, timezone.utc)
    return utcnow()


# What of a tracker event reaches the queue: its kind, when, whose, and names. Never the text, the
# entities, slot values or a message's metadata (bot/rasa/broker.py strips them before publishing).
_KEPT = ("event", "timestamp", "sender_id", "name", "input_channel")


def names_only(event: dict[str, Any]) -> dict[str, Any]:
    """A tracker event reduced to what this consumer reads: nothing a user typed or a slot held
    crosses RabbitMQ (a slot event keeps the slot's name, not its value)."""
    kept = {key: event[key] for key in _KEPT if key in event}
    intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
    if event.get("event") == "user" and intent:
        kept["parse_data"] = {"intent": {"name": intent}}
    return kept


def apply(session: Session, event: dict[str, Any]) -> bool:
    """One tracker event (as Rasa's broker publishes it) into the table; False: ignored.
    Reads only names, counts and times from it: never `text`, entities or slot values."""
    conversation_id = event.get("sender_id")
    kind = event.get("event")
    if not isinstance(conversation_id, str) or not conversation_id or not isinstance(kind, str):
        return False
    moment = _moment(event)
    row = session.get(ConversationActivity, conversation_id[:200])
    if row is None:
        channel = conversation_id.split(":", 1)[0] if ":" in conversation_id else "unknown"
        row = ConversationActivity(
            conversation_id=conversation_id[:200],
            channel=channel[:20],
            started_at=moment,
            last_event_at=moment,
            user_messages=0,
            bot_messages=0,
        )
        session.add(row)
    if kind == "user":
        row.user_messages += 1
        row.last_intent = _name(((event.get("parse_data") or {}).get("intent") or {}).get("name"))
    elif kind == "bot":
        row.bot_messages += 1
    elif kind == "action" and not str(event.get("name")).endswith("_listen"):  # not the wait for the user
        row.last_action = _name(event.get("name"))
    elif kind == "active_loop":
        row.active_form = _name(event.get("name"))
    last = db.as_utc(row.last_event_at)
    if last is None or moment > last:
        row.last_event_at = moment
    return True


def erase(session: Session, conversation_ids: Iterable[str]) -> int:
    """Deletes the rows of these conversations (erasure, retention); the caller commits."""
    ids = [c for c in conversation_ids if c]
    if not ids:
        return 0
    result = session.execute(
        delete(ConversationActivity).where(ConversationActivity.conversation_id.in_(ids))
    )
    return int(result.rowcount or 0)


def purge_older_than(session: Session, cutoff: datetime) -> int:
    """Deletes the rows of conversations idle since before `cutoff` (retention); the caller commits."""
    result = session.execute(delete(ConversationActivity).where(ConversationActivity.last_event_at < cutoff))
    return int(result.rowcount or 0)


def activity(session: Session, conversation_id: str) -> dict[str, Any] | None:
    row = session.get(ConversationActivity, conversation_id)
    return row.to_dict() if row else None


def drop_offs(session: Session, idle: timedelta, now: datetime | None = None) -> list[dict[str, Any]]:
    """Conversations left inside a form, idle for at least `idle`, most recent first."""
    cutoff = (now or utcnow()) - idle
    rows = session.execute(
        select(ConversationActivity)
        .where(ConversationActivity.active_form.is_not(None), ConversationActivity.last_event_at <= cutoff)
        .order_by(ConversationActivity.last_event_at.desc())
    ).scalars()
    return [row.to_dict() for row in rows]


async def consume(settings: Settings, stop: asyncio.Event, retry_pause: float = 2.0) -> None:
    """Until `stop` is set: every message of the queue into the table, acknowledged once stored."""
    import aio_pika

    if not settings.rabbitmq_url:
        raise RuntimeError("LAWBOT_RABBITMQ_URL is not set: no event queue to read")
    factory = sessionmaker(db.engine(settings.database_url), future=True)
    connection = await aio_pika.connect_robust(settings.rabbitmq_url)
    async with connection:
        channel = await connection.channel()
        await channel.set_qos(prefetch_count=50)
        # Declared as Rasa's PikaEventBroker declares them (same exchange type, durable queue).
        exchange = await channel.declare_exchange(settings.rabbitmq_exchange, aio_pika.ExchangeType.FANOUT)
        queue = await channel.declare_queue(settings.rabbitmq_queue, durable=True)
        await queue.bind(exchange, "")

        async def on_message(message: aio_pika.abc.AbstractIncomingMessage) -> None:
            try:
                event = json.loads(message.body)
            except ValueError:
                log.warning("dropped a message that is not JSON")
                await message.reject()
                return
            try:
                with factory() as session:
                    if isinstance(event, dict):
                        apply(session, event)
                    session.commit()
            except db.CONNECTION_ERRORS:
                log.warning("the database did not answer; the event stays on the queue")
                await asyncio.sleep(retry_pause)
                await message.nack(requeue=True)
                return
            await message.ack()

        tag = await queue.consume(on_message)
        log.info("reading tracker events from queue %s", settings.rabbitmq_queue)
        await stop.wait()
        await queue.cancel(tag)


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = load_settings()
    if not settings.rabbitmq_url:
        print("LAWBOT_RABBITMQ_URL is not set: there is no event queue to read", file=sys.stderr)
        return 2

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        await consume(settings, stop)

    asyncio.run(run())
    return 0


if __name__ == "__main__":
    sys.exit(main())
