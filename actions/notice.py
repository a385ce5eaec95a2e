"""The privacy notices whose figures come from the settings: the one-line notice of the greeting
(what is recorded, for how long, how to erase it) and the full notice before consent."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.conversation import UTTER_ACTION, bot_before_latest
from bot.settings import load as load_settings


def retention_days() -> int:
    """The retention period the notices promise (LAWBOT_RETENTION_DAYS)."""
    return load_settings().retention_days


class ActionGreet(Action):
    """The greeting: the not-legal-advice line and the one-line privacy notice."""

    def name(self) -> str:
        return "action_greet"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        dispatcher.utter_message(response="utter_greet", retention_days=retention_days())
        return []


class ActionAskPrivacyConsent(Action):
    """The privacy notice and its consent question (asked by the contact form)."""

    def name(self) -> str:
        return "action_ask_privacy_consent"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        if int(tracker.get_slot("bad_answers") or 0) > 0 and _answered_unclearly(tracker):
            # the notice was just shown and the answer said neither yes nor no: asked again briefly
            dispatcher.utter_message(response="utter_ask_privacy_consent_again")
            return []
        dispatcher.utter_message(response="utter_ask_privacy_consent", retention_days=retention_days())
        return []


_CONSENT_QUESTIONS = ("utter_ask_privacy_consent", "utter_ask_privacy_consent_again")


def _answered_unclearly(tracker: Tracker) -> bool:
    """The bot's last message before the user's latest one was the consent question."""
    event = bot_before_latest(tracker)
    return event is not None and (event.get("metadata") or {}).get(UTTER_ACTION) in _CONSENT_QUESTIONS
