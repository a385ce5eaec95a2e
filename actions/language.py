"""The conversation's language, decided after every user message (Rasa's global slot-mapping
action): the domain's `conversation_language` from the language so far and the message."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import ValidationAction
from rasa_sdk.types import DomainDict

from actions.conversation import latest_entity, latest_text
from bot.language import conversation_language


class ValidateSlotMappings(ValidationAction):
    def name(self) -> str:
        return "action_validate_slot_mappings"

    async def extract_language(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        current = tracker.get_slot("language")
        # a channel greeting a new user says the language of their app: /greet{"language": "zh"}
        given = latest_entity(tracker, "language")
        if given in ("en", "zh"):
            return {"language": given} if given != current else {}
        decided = conversation_language(current if current in ("en", "zh") else None, latest_text(tracker))
        return {"language": decided} if decided and decided != current else {}
