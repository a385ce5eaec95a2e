"""Rasa's SQL tracker store, honouring the user's right to erasure.

Rasa saves a tracker after the turn's actions have run, appending the events the store does
not have yet. An action that deleted the stored events would see the whole conversation
written back at the end of its own turn. So erasure happens here, at save time: when the turn
set `erase_requested`, every stored event of the conversation is deleted and nothing is saved.
The next message starts a new, empty conversation."""

from __future__ import annotations

import logging

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker

ERASE_SLOT = "erase_requested"
log = logging.getLogger(__name__)


class ErasingSQLTrackerStore(SQLTrackerStore):  # type: ignore[misc]  # rasa is untyped
    async def save(self, tracker: DialogueStateTracker) -> None:
        if tracker.get_slot(ERASE_SLOT) is True:
            self.erase(tracker.sender_id)
            return
        await super().save(tracker)

    def erase(self, sender_id: str) -> int:
        with self.session_scope() as session:
            deleted: int = session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == sender_id).delete()
            session.commit()
        log.info("erased conversation %s (%d events)", sender_id, deleted)
        return deleted
