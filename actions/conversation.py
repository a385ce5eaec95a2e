"""What every action needs to know about the conversation."""

from __future__ import annotations

from rasa_sdk import Tracker

from bot.language import Language, detect_language

LEGAL_ENTITIES = ("law", "permit", "authority", "data_category")


def language_of(tracker: Tracker) -> Language:
    """The language to answer in: the slot, else the latest message's, else English."""
    slot = tracker.get_slot("language")
    if slot in ("en", "zh"):
        return slot
    return detect_language(tracker.latest_message.get("text") or "") or "en"


def legal_terms(tracker: Tracker) -> list[str]:
    """The legal terms (laws, permits, authorities, data categories) of the latest message."""
    found: list[str] = []
    for entity in tracker.latest_message.get("entities") or []:
        if entity.get("entity") in LEGAL_ENTITIES and entity.get("value") not in found:
            found.append(entity["value"])
    return found
