"""Offering the topics when a message could not be classified with confidence."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import language_of, latest_intent, latest_text, said
from actions.intake_form import typed_since_boundary
from actions.sharing import YES, offer_still_open, record_share, share_decision
from bot import intake, topics


def topic_buttons(language: str) -> list[dict[str, str]]:
    """Every topic as a button whose payload selects its intent (`/topic_<code>`)."""
    return [
        {"title": choice.label, "payload": f"/{topics.INTENT_PREFIX}{choice.value}"}
        if choice.value != topics.OUT_OF_SCOPE
        else {"title": choice.label, "payload": f"/{topics.OUT_OF_SCOPE}"}
        for choice in topics.topic_choices(language)  # type: ignore[arg-type]
    ]


def topics_were_offered(tracker: Tracker) -> bool:
    """The bot's last turn before the latest user message offered the topics as buttons."""
    seen_user = offered = False
    for event in reversed(tracker.events):
        kind = event.get("event")
        if kind == "user":
            if seen_user:
                return False
            seen_user = True
        elif seen_user and kind == "action" and event.get("name") not in (None, "action_listen"):
            return event.get("name") == "action_offer_topics" and offered
        elif seen_user and kind == "bot":
            offered = offered or bool((event.get("data") or {}).get("buttons"))
    return False


def goes_on_telling(tracker: Tracker) -> bool:
    """An "answer" or a "no" after a refusal or the topic buttons that tells more of the same story
    (not a bare "no" or a number): the topics are offered (again) when the story so far is worth a
    second look, or the buttons were already shown."""
    text = latest_text(tracker)
    if not intake.tells_more(text):
        return False
    if topics_were_offered(tracker):
        return True
    told = intake.joined(t for t, _ in typed_since_boundary(tracker) if not t.startswith("/"))
    return topics.worth_a_second_look(told)


class ActionOfferTopics(Action):
    """When the message could not be classified confidently, or was read as out of scope but is
    urgent or about an online business or IT (`bot.rasa.scope_guard`), or tells more of such a
    story: the topics as buttons."""

    def name(self) -> str:
        return "action_offer_topics"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        if offer_still_open(tracker) and share_decision(said(tracker)) == YES:
            return record_share(dispatcher, tracker, YES)  # "我想了想，同意发送": a later answer to the firms
        if latest_intent(tracker) in intake.ADDING_INTENTS and not goes_on_telling(tracker):
            dispatcher.utter_message(response="utter_anything_else")
            return []
        language = language_of(tracker)
        dispatcher.utter_message(response="utter_topic_buttons_intro", buttons=topic_buttons(language))
        return []
