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


def latest_text(tracker: Tracker) -> str:
    return (tracker.latest_message.get("text") or "").strip()


def latest_intent(tracker: Tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")


def latest_entity(tracker: Tracker, name: str) -> str | None:
    return next(
        (e.get("value") for e in tracker.latest_message.get("entities") or [] if e.get("entity") == name),
        None,
    )


def language_before_latest_message(tracker: Tracker) -> str | None:
    """The `language` slot as it was before the latest user message changed it."""
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            seen_user = True
        elif seen_user and event.get("event") == "slot" and event.get("name") == "language":
            return event.get("value")
    return None


def is_sentence(text: str) -> bool:
    """Enough words to tell the language by: a name, a number or an email is not."""
    cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    return cjk >= 4 or len([w for w in text.split() if w.isalpha()]) >= 4


def keep_language(tracker: Tracker) -> dict[str, str]:
    """Short answers (a name, "Germany", an email) must not switch the conversation's
    language: returns the slot change that restores it, when one is needed."""
    before = language_before_latest_message(tracker)
    changed = before in ("en", "zh") and before != tracker.get_slot("language")
    if changed and not is_sentence(latest_text(tracker)):
        return {"language": before}
    return {}
