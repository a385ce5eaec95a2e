"""Trackers as the action server builds them, and running an action or a validator on one: the
actions' unit tests assert on the returned events and the dispatcher's messages."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher


def tracker(text: str, intent: str, language: str | None = None, entities: Any = (), **slots: Any) -> Tracker:
    """A tracker whose latest user message is `text` (classified as `intent`), with these slots;
    the message is also among its events, as the action server has it."""
    return Tracker(
        sender_id="test-user",
        slots={"language": language, "topic": None, **slots},
        latest_message={
            "text": text,
            "intent": {"name": intent, "confidence": 0.9},
            "entities": list(entities),
        },
        events=[{"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def run(action: Any, t: Tracker, domain: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The messages an action sends and the events it returns."""
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, t, domain.as_dict())
    return dispatcher.messages, events


def validate(
    action: Any, slot_name: str, t: Tracker, domain: Any
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """What a form's `validate_<slot>` returns for the latest message, and the messages it sends."""
    dispatcher = CollectingDispatcher()
    method = getattr(action, f"validate_{slot_name}")
    return method(t.latest_message["text"], dispatcher, t, domain.as_dict()), dispatcher.messages


def slot(events: list[dict[str, Any]], name: str) -> Any:
    """The value an action's events leave in a slot (the last change wins)."""
    return [e["value"] for e in events if e.get("event") == "slot" and e["name"] == name][-1]
