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

import json
import logging
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from bot import crypto
from bot.key_rotation import seal_plain_events

ERASE_SLOT = "erase_requested"
log = logging.getLogger(__name__)


class ErasingSQLTrackerStore(SQLTrackerStore):  # type: ignore[misc]  # rasa is untyped
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        crypto.require()  # no key in production: Rasa does not start
        super().__init__(*args, **kwargs)
        with self.engine.begin() as connection:
            sealed = seal_plain_events(connection, crypto.fernet())
        if sealed:
            log.info("encrypted %d tracker event(s) stored before encryption", sealed)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Rasa's save, with each event's data encrypted."""
        if tracker.get_slot(ERASE_SLOT) is True:
            self.erase(tracker.sender_id)
            return
        await self.stream_events(tracker)
        box = crypto.fernet()
        with self.session_scope() as session:
            for event in self._additional_events(session, tracker):
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

    async def _retrieve(
        self, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> DialogueStateTracker | None:
        """Rasa's retrieve, with each event's data decrypted."""
        with self.session_scope() as session:
            rows = self._event_query(
                session, sender_id, fetch_events_from_all_sessions=fetch_events_from_all_sessions
            ).all()
            box = crypto.fernet()
            events = [json.loads(crypto.decrypt_event_data(row.data, box)) for row in rows]
        if self.domain and events:
            return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        return None

    def erase(self, sender_id: str) -> int:
        with self.session_scope() as session:
            deleted: int = session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == sender_id).delete()
            session.commit()
        log.info("erased conversation %s (%d events)", sender_id, deleted)
        return deleted
