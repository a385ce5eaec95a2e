"""What the channels themselves say (not the dialogue: that is in domain/), in both languages,
and the helpers that turn Rasa's buttons into text for channels without buttons."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

import yaml

from bot.language import Language, detect_language

# The channels' texts (channels.*) in bot/knowledge/messages.yml.
MESSAGES = Path(__file__).resolve().parents[2] / "knowledge" / "messages.yml"
_TEXTS: dict[str, dict[Language, str]] = yaml.safe_load(MESSAGES.read_text(encoding="utf-8"))["channels"]

PLEASE_TYPE: dict[Language, str] = {language: _TEXTS["please_type"][language] for language in ("zh", "en")}

CHOOSE_BY_NUMBER: dict[Language, str] = {
    language: _TEXTS["choose_by_number"][language] for language in ("zh", "en")
}

_NUMBER = re.compile(r"^\s*(\d{1,3})\s*[.)、]?\s*$")


def language_of_text(text: str, default: Language) -> Language:
    return detect_language(text or "") or default


def numbered_options(text: str, buttons: list[dict[str, Any]], default: Language = "zh") -> str:
    """The message with its buttons as numbered lines and a hint in the message's language:

    请选择：
    1. 是
    2. 否
    回复数字即可选择。
    """
    language = language_of_text(text, default)
    lines = [f"{i}. {button.get('title') or button.get('payload')}" for i, button in enumerate(buttons, 1)]
    parts = [text.strip()] if text and text.strip() else []
    parts.append("\n".join(lines))
    parts.append(CHOOSE_BY_NUMBER[language])
    return "\n\n".join(parts)


def chosen_payload(reply: str, buttons: list[dict[str, Any]] | None) -> str | None:
    """The payload of the button a text reply picks: its number ("2", "２", "2.") or its exact
    title (case-insensitive); None when the reply picks none of them."""
    if not buttons or not reply:
        return None
    normalized = unicodedata.normalize("NFKC", reply).strip()
    match = _NUMBER.match(normalized)
    if match:
        index = int(match.group(1))
        if 1 <= index <= len(buttons):
            return buttons[index - 1].get("payload") or buttons[index - 1].get("title")
        return None
    for button in buttons:
        title = unicodedata.normalize("NFKC", str(button.get("title") or "")).strip()
        if title and title.casefold() == normalized.casefold():
            return button.get("payload") or button.get("title")
    return None


def split_text(text: str, max_bytes: int) -> list[str]:
    """Splits a long message into parts of at most max_bytes UTF-8 bytes, at line breaks where
    possible (a channel's message size limit)."""
    if len(text.encode("utf-8")) <= max_bytes:
        return [text]
    parts: list[str] = []
    current = ""
    for line in text.splitlines(keepends=True):
        while len(line.encode("utf-8")) > max_bytes:  # a single over-long line: cut by characters
            cut = len(line)
            while len(line[:cut].encode("utf-8")) > max_bytes:
                cut = max(1, cut * max_bytes // len(line[:cut].encode("utf-8")) - 1)
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:cut])
            line = line[cut:]
        if len((current + line).encode("utf-8")) > max_bytes:
            parts.append(current)
            current = line
        else:
            current += line
    if current:
        parts.append(current)
    return [part.strip("\n") for part in parts if part.strip()]
