"""A conversation as staff read it on a lead's page: every user and bot message from Rasa's
tracker store (table `events`, data decrypted with bot/crypto.py), in order, with the buttons
the bot offered, the one the user pressed, and for each user message the language, intent
(topic) and confidence the bot saw. Texts are returned as plain strings: the page escapes them."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any

from cryptography.fernet import InvalidToken
from sqlalchemy import text

from bot import crypto, db

log = logging.getLogger(__name__)
MAX_EVENTS = 5000  # a conversation longer than this is cut (the page says so)


@dataclass
class Turn:
    """One message: who ("user" or "bot"), what, when, and what the bot made of it."""

    who: str
    text: str
    at: float | None = None
    intent: str | None = None
    confidence: float | None = None
    language: str | None = None
    buttons: list[dict[str, str]] = field(default_factory=list)
    pressed: str | None = None  # the title of the button this user message pressed


@dataclass
class Transcript:
    turns: list[Turn]
    cut: bool = False
    unreadable: int = 0  # events that could not be decrypted (a key gone)


def _events(tracker_store_url: str, conversation_id: str) -> tuple[list[dict[str, Any]], bool, int]:
    if tracker_store_url.startswith("sqlite:///"):
        from pathlib import Path

        if not Path(tracker_store_url.removeprefix("sqlite:///")).exists():
            return [], False, 0
    engine = db.make_engine(tracker_store_url)
    try:
        with engine.connect() as connection:
            if not engine.dialect.has_table(connection, "events"):
                return [], False, 0
            rows = connection.execute(
                text(
                    "select type_name, data from events where sender_id = :s"
                    " and type_name in ('user', 'bot', 'slot') order by id limit :n"
                ),
                {"s": conversation_id, "n": MAX_EVENTS + 1},
            ).all()
    finally:
        engine.dispose()
    events, unreadable = [], 0
    box = crypto.fernet()
    for type_name, data in rows[:MAX_EVENTS]:
        try:
            events.append({"event": type_name, **json.loads(crypto.decrypt_event_data(data, box))})
        except (InvalidToken, ValueError):
            unreadable += 1
    return events, len(rows) > MAX_EVENTS, unreadable


def read(tracker_store_url: str, conversation_id: str) -> Transcript:
    events, cut, unreadable = _events(tracker_store_url, conversation_id)
    turns: list[Turn] = []
    offered: list[dict[str, str]] = []
    language: str | None = None
    for event in events:
        kind = event.get("event")
        if kind == "slot" and event.get("name") == "language" and event.get("value"):
            language = str(event["value"])
        elif kind == "bot":
            data = event.get("data") or {}
            buttons = [
                {"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
                for b in (data.get("buttons") or data.get("quick_replies") or [])
                if isinstance(b, dict)
            ]
            offered = buttons or offered
            turns.append(Turn("bot", str(event.get("text") or ""), event.get("timestamp"), buttons=buttons))
        elif kind == "user":
            said = str(event.get("text") or "")
            parse = event.get("parse_data") or {}
            intent = parse.get("intent") or {}
            pressed = next((b["title"] for b in offered if said and b["payload"] == said), None)
            meta_language = (event.get("metadata") or {}).get("language")
            turns.append(
                Turn(
                    "user",
                    said,
                    event.get("timestamp"),
                    intent=intent.get("name"),
                    confidence=intent.get("confidence"),
                    language=str(meta_language or language or "") or None,
                    pressed=pressed,
                )
            )
            offered = []
    return Transcript(turns, cut, unreadable)


def seal_event(data: dict[str, Any]) -> str:
    """An event's data as the tracker store keeps it (encrypted JSON): for fixtures and tools."""
    return crypto.encrypt(json.dumps(data))
