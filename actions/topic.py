"""Naming the user's topic and giving its general information."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import language_of, legal_terms
from bot import topics


class ActionExplainTopic(Action):
    """Acknowledges the topic in plain words, then gives its information and documents list."""

    def name(self) -> str:
        return "action_explain_topic"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        language = language_of(tracker)
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        code = topics.topic_of_intent(intent) or tracker.get_slot("topic")
        if code not in topics.TOPIC_CODES:
            dispatcher.utter_message(response="utter_ask_problem")
            return []
        topic = topics.get(code)
        dispatcher.utter_message(text=topic.acknowledge[language])
        dispatcher.utter_message(text=topic.information(language))
        dispatcher.utter_message(text=topic.documents_text(language))
        dispatcher.utter_message(response="utter_anything_else_topic")
        return [SlotSet("topic", code), SlotSet("legal_terms", legal_terms(tracker))]


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
