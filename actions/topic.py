"""Offering the topics when a message could not be classified with confidence."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import language_of, said
from actions.sharing import YES, offer_still_open, record_share, share_decision
from bot import topics


def topic_buttons(language: str) -> list[dict[str, str]]:
    """Every topic as a button whose payload selects its intent (`/topic_<code>`)."""
    return [
        {"title": choice.label, "payload": f"/{topics.INTENT_PREFIX}{choice.value}"}
        if choice.value != topics.OUT_OF_SCOPE
        else {"title": choice.label, "payload": f"/{topics.OUT_OF_SCOPE}"}
        for choice in topics.topic_choices(language)  # type: ignore[arg-type]
    ]


class ActionOfferTopics(Action):
    """When the message could not be classified confidently: the topics as buttons."""

    def name(self) -> str:
        return "action_offer_topics"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        if offer_still_open(tracker) and share_decision(said(tracker)) == YES:
            return record_share(dispatcher, tracker, YES)  # "我想了想，同意发送": a later answer to the firms
        language = language_of(tracker)
        dispatcher.utter_message(response="utter_topic_buttons_intro", buttons=topic_buttons(language))
        return []
