"""What both intake forms share: only what the user has just typed is validated, and the separate
consent to sensitive details, which either form may ask."""

from __future__ import annotations

from abc import abstractmethod
from typing import Any

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from rasa_sdk.utils import call_potential_coroutine

from actions.conversation import said
from bot import answers
from bot.lead_draft import GIVEN, REFUSED


class AnswerValidation(FormValidationAction):
    """Validates the slot the user's latest message filled, and nothing else.

    When a form is activated again (after "talk to a person", say), Rasa sends every slot it
    already holds for validation as well; those were validated when they were answered, and
    validating them against the latest message would overwrite them. A freshly extracted
    slot is recognised by holding exactly the text of the latest message (`from_text`)."""

    @abstractmethod
    def name(self) -> str:
        """Abstract, so that the action server does not register this base class."""

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        required = await self.required_slots(self.domain_slots(domain), dispatcher, tracker, domain)
        typed = tracker.latest_message.get("text")
        slots: dict[str, Any] = {}
        for name, value in tracker.slots_to_validate().items():
            validate = getattr(self, f"validate_{name}", None)
            if name not in required or validate is None or value != typed:
                continue
            slots.update(await call_potential_coroutine(validate(value, dispatcher, tracker, domain)))
        return [SlotSet(name, value) for name, value in slots.items()]


def sensitive_consent_answer(dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
    """The separate consent to sensitive details (PIPL Art. 29), asked once, before the first
    sensitive question: a tapped or typed yes or no in either language ("好的", "不要记录");
    an unclear answer is neither, however often: asked again, plainly, with the two buttons."""
    answer = answers.agreement(said(tracker))
    if answer is None:
        bad = int(tracker.get_slot("bad_answers") or 0) + 1
        dispatcher.utter_message(response="utter_hint_sensitive_consent")
        return {"sensitive_consent": None, "bad_answers": bad}
    if answer is False:
        dispatcher.utter_message(response="utter_sensitive_refused")
    return {"sensitive_consent": GIVEN if answer else REFUSED, "bad_answers": 0}
