"""Offering the topics when a message could not be classified with confidence."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import language_of
from bot import topics


class ActionOfferTopics(Action):
    """When the message could not be classified confidently: the topics as buttons."""

    def name(self) -> str:
        return "action_offer_topics"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        language = language_of(tracker)
        dispatcher.utter_message(
            response="utter_topic_buttons_intro", buttons=topics.topic_buttons(language)
        )
        return []
