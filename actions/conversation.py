"""What every action needs to know about the conversation, and how the domain's neutral
replies become Rasa's: the user's message as a `Said`, choices as buttons with payloads."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.language import Language, detect_language
from bot.replies import Choice, Meaning, Reply, Said

LEGAL_ENTITIES = ("law", "permit", "authority", "data_category")
# Intents that carry a plain yes, no or "don't know": the domain hears them as meanings.
MEANINGS: dict[str, Meaning] = {"affirm": "yes", "deny": "no", "dont_know": "dont_know"}


def language_of(tracker: Tracker) -> Language:
    """The conversation's language: the slot (set by the user's sentences and requests), else the
    language of what the user has written so far, else English."""
    slot = tracker.get_slot("language")
    if slot in ("en", "zh"):
        return slot  # type: ignore[no-any-return]
    typed = " ".join(
        e.get("text") or ""
        for e in tracker.events
        if e.get("event") == "user" and not (e.get("text") or "").startswith("/")
    )
    return detect_language(typed) or "en"


def language_slot(tracker: Tracker) -> dict[str, Any]:
    """Fixes the conversation's language in its slot the first time it is known."""
    return {} if tracker.get_slot("language") in ("en", "zh") else {"language": language_of(tracker)}


def legal_terms(tracker: Tracker) -> list[str]:
    """The legal terms (laws, permits, authorities, data categories) of the latest message."""
    found: list[str] = []
    for entity in tracker.latest_message.get("entities") or []:
        if entity.get("entity") in LEGAL_ENTITIES and entity.get("value") not in found:
            found.append(entity["value"])
    return found


def latest_text(tracker: Tracker) -> str:
    return (tracker.latest_message.get("text") or "").strip()


# The metadata key naming the response a bot message came from (Rasa writes it on every bot event).
UTTER_ACTION = "utter" + "_action"


def bot_before_latest(tracker: Tracker) -> dict[str, Any] | None:
    """The bot's last message before the user's latest one (its event), if any."""
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if seen_user:
                return None
            seen_user = True
        elif event.get("event") == "bot" and seen_user:
            return dict(event)
    return None


def latest_intent(tracker: Tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")


def latest_entity(tracker: Tracker, name: str) -> str | None:
    return next(
        (e.get("value") for e in tracker.latest_message.get("entities") or [] if e.get("entity") == name),
        None,
    )


def said(tracker: Tracker) -> Said:
    """The latest message as the domain reads it. A button's payload is not what the user typed:
    its text is then the empty string, and its value the choice."""
    text = latest_text(tracker)
    intent = latest_intent(tracker)
    choice = latest_entity(tracker, "choice")
    if text.startswith("/"):
        text = ""
        if choice is None and intent in MEANINGS:
            choice = {"affirm": "yes", "deny": "no", "dont_know": "skip"}[intent]
    return Said(text=text, choice=choice, meaning=MEANINGS.get(intent or ""))


def only_changes(
    tracker: Tracker, domain: dict[str, Any], events: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """`events` without the slot events that set a slot to the value it already has (a new
    intake resetting slots that were never filled: most of its events). Rasa stores and replays
    every event and sends them all to each later action call, so each one left out makes every
    later message cheaper (docs/performance.md). Slots that influence the conversation keep
    every event (Rasa's rules see whether they were set), and so does any slot when the domain
    is not at hand."""
    specs = domain.get("slots") or {}
    values = dict(tracker.slots)
    kept: list[dict[str, Any]] = []
    for event in events:
        name = event.get("name")
        if event.get("event") == "slot" and name in values:
            value = event.get("value")
            spec = specs.get(name) or {}
            current = values[name]
            if (
                spec.get("influence_conversation") is False
                and type(current) is type(value)
                and current == value
            ):
                continue
            values[name] = value
        kept.append(event)
    return kept


def payload(choice: Choice) -> str:
    """A choice as the payload a button sends back: `/choose{"choice": value}`."""
    return "/choose" + json.dumps({"choice": choice.value}, ensure_ascii=False)


def buttons(choices: Iterable[Choice]) -> list[dict[str, str]]:
    return [{"title": choice.label, "payload": payload(choice)} for choice in choices]


def send(dispatcher: CollectingDispatcher, reply: Reply | str, choices: Iterable[Choice] = ()) -> None:
    """Sends a domain reply (its choices as buttons)."""
    if isinstance(reply, str):
        reply = Reply(reply, tuple(choices))
    dispatcher.utter_message(text=reply.text, buttons=buttons(reply.choices) or None)
