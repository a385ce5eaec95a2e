"""Rasa's SQL tracker store, encrypted at rest and honouring the user's right to erasure.

Encryption: each event's `data` column (the message text, slots, entities: everything the user
said) is a Fernet token (bot/crypto.py), written by `save` and read by `_retrieve`, the two
places Rasa 3.6's SQLTrackerStore touches it. Events stored before encryption are encrypted
when the store starts (and still read if one slips through). The sender id, event type,
intent and action names and timestamp stay readable: they locate and order the events and
carry nothing the user typed. Anything else reading tracker.db events goes through
`bot.crypto.decrypt_event_data`.

Erasure: Rasa saves a tracker after the turn's actions have run, appending the events the store
does not have yet. An action that deleted the stored events would see the whole conversation
written back at the end of its own turn. So erasure happens here, at save time: when the turn
set `erase_requested`, every stored event of the conversation is deleted and nothing is saved.
The next message starts a new, empty conversation."""

from __future__ import annotations

import asyncio
import json
import logging
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from cryptography.fernet import MultiFernet
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from bot import crypto
from bot.key_rotation import seal_plain_events

ERASE_SLOT = "erase_requested"
TAG_CHARS = 43  # the end of a Fernet token: its HMAC (base64), different for every encryption
PUBLISH_WAIT = 5.0  # seconds a save waits for the event broker to send the turn's events
log = logging.getLogger(__name__)


def sqlite_kwargs(url: Any) -> dict[str, Any]:
    """SQLite: connections kept open (SQLAlchemy 1.4 opens and closes one per session), with the
    write-ahead log (`PRAGMA journal_mode=WAL`, set at start): a turn's save is then one
    append and one sync (a commit took 4x longer), and readers elsewhere (the staff console,
    the retention purge) do not wait for it. Closing the last connection of a WAL database
    checkpoints it, so they go together. Docs/performance.md has the numbers."""
    url = sa.engine.make_url(url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return {}
    return {"poolclass": sa.pool.QueuePool, "connect_args": {"check_same_thread": False}}


class Plaintexts:
    """The decrypted data of the stored events of the conversations read last (at most
    `conversations`): a message decrypts only the events stored since the one before, not
    the whole conversation again. An event is known by its row id and the end of its token
    (its HMAC), so a row re-encrypted under a new key (`lawbot keys rotate`) is decrypted anew;
    rows deleted elsewhere (retention, `lawbot erase`) are no longer read, and are forgotten
    at the conversation's next read. Memory only: nothing decrypted is written anywhere."""

    def __init__(self, conversations: int = 256) -> None:
        self.conversations = conversations
        self._known: OrderedDict[str, dict[int, tuple[str, str]]] = OrderedDict()

    def read(self, sender_id: str, rows: Iterable[Any]) -> list[str]:
        """The JSON text of each row (`id`, `data`), in order."""
        known = self._known.pop(sender_id, {})
        kept: dict[int, tuple[str, str]] = {}
        texts: list[str] = []
        box: MultiFernet | None = None
        for row in rows:
            tag = row.data[-TAG_CHARS:]
            found = known.get(row.id)
            if found is None or found[0] != tag:
                box = box or crypto.fernet()
                found = (tag, crypto.decrypt_event_data(row.data, box))
            kept[row.id] = found
            texts.append(found[1])
        self._known[sender_id] = kept
        while len(self._known) > self.conversations:
            self._known.popitem(last=False)
        return texts

    def forget(self, sender_id: str) -> None:
        self._known.pop(sender_id, None)


class ErasingSQLTrackerStore(SQLTrackerStore):  # type: ignore[misc]  # rasa is untyped
    engine: sa.engine.Engine

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        crypto.require()  # no key in production: Rasa does not start
        super().__init__(*args, **kwargs)
        # Rasa's engine, with every pooled connection tested before use: after a database
        # restart, the first turns would otherwise fail on connections that are gone.
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(
            url, pool_pre_ping=True, **create_engine_kwargs(url), **sqlite_kwargs(url)
        )
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        if self.engine.dialect.name == "sqlite":
            with self.engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA journal_mode=WAL")
        self._plaintexts = Plaintexts()
        with self.engine.begin() as connection:
            sealed = seal_plain_events(connection, crypto.fernet())
        if sealed:
            log.info("encrypted %d tracker event(s) stored before encryption", sealed)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Rasa's save, with each event's data encrypted. The events stored go to the event
        broker once committed (Rasa publishes first: a save failing on a database outage would
        publish a turn that is not stored, and the user, asked to send it again, counted twice)."""
        if tracker.get_slot(ERASE_SLOT) is True:
            self.erase(tracker.sender_id)
            return
        box = crypto.fernet()
        with self.session_scope() as session:
            stored = list(self._additional_events(session, tracker))
            for event in stored:
                data = event.as_dict()
                session.add(
                    self.SQLEvent(
                        sender_id=tracker.sender_id,
                        type_name=event.type_name,
                        timestamp=data.get("timestamp"),
                        intent_name=data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
                        action_name=data.get("name"),
                        data=box.encrypt(json.dumps(data).encode("utf-8")).decode("ascii"),
                    )
                )
            session.commit()
        if self.event_broker is not None:
            await self._stream_new_events(self.event_broker, stored, tracker.sender_id)
            await self._published()

    async def _published(self) -> None:
        """Waits until the broker has sent the events (at most PUBLISH_WAIT seconds). Rasa's
        Pika broker publishes in background tasks, after the turn's answer has gone: a server
        killed right after answering lost the turn's events (the consumer never counted it).
        While RabbitMQ is away a publication fails at once and the broker keeps the event in
        memory until it reconnects; those are lost only if the server dies meanwhile."""
        pending = set(getattr(self.event_broker, "_background_tasks", ()))
        if pending:
            await asyncio.wait(pending, timeout=PUBLISH_WAIT)

    async def _retrieve(
        self, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> DialogueStateTracker | None:
        """Rasa's retrieve, with each event's data decrypted (each stored event once: later
        messages find it in `_plaintexts`)."""
        with self.session_scope() as session:
            rows = (
                self._event_query(
                    session, sender_id, fetch_events_from_all_sessions=fetch_events_from_all_sessions
                )
                .with_entities(self.SQLEvent.id, self.SQLEvent.data)
                .all()
            )
            events = [json.loads(text) for text in self._plaintexts.read(sender_id, rows)]
        if self.domain and events:
            return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        return None

    def erase(self, sender_id: str) -> int:
        with self.session_scope() as session:
            deleted: int = session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == sender_id).delete()
            session.commit()
        self._plaintexts.forget(sender_id)
        log.info("erased conversation %s (%d events)", sender_id, deleted)
        return deleted
