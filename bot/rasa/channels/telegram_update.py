"""What a Telegram update asks of the bot, read from the webhook's body without trusting it:
anything that is not an update of the expected shape is a `BadUpdate` (the webhook answers
400), never an exception from deep inside (a 500, which Telegram would retry)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aiogram.types import Update


class BadUpdate(ValueError):
    """A body that is not a Telegram update."""


@dataclass(frozen=True)
class Incoming:
    update_id: str
    chat_id: int | None = None  # None: nothing for the bot (channel posts, polls, member updates)
    text: str | None = None  # None with a chat: not text (a photo, a sticker): "please type"
    language_code: str | None = None  # of the user's Telegram app
    callback_query_id: str | None = None  # a tap on an inline button...
    callback_data: str | None = None  # ...and the button's data


def _chat_id(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadUpdate("a chat id is not an integer")
    return value


def _optional_str(value: Any) -> str | None:
    if value is not None and not isinstance(value, str):
        raise BadUpdate("a text field is not a string")
    return value


def _read(update: Update, update_id: str) -> Incoming:
    query = update.callback_query
    if query:
        user = query.from_user
        chat = query.message.chat if query.message else user
        if chat is None:
            raise BadUpdate("a callback query from nobody")
        return Incoming(
            update_id,
            _chat_id(chat.id),
            language_code=_optional_str(user.language_code) if user else None,
            callback_query_id=str(query.id),
            callback_data=_optional_str(query.data) or "",
        )
    message = update.message or update.edited_message
    if message is None:
        return Incoming(update_id)
    if message.chat is None:
        raise BadUpdate("a message without a chat")
    user = message.from_user
    return Incoming(
        update_id,
        _chat_id(message.chat.id),
        _optional_str(message.text),
        _optional_str(user.language_code) if user else None,
    )


def read_update(raw: bytes | str | None) -> Incoming:
    """The update in a webhook body; BadUpdate for anything else."""
    try:
        body = json.loads(raw or b"")
    except (ValueError, UnicodeDecodeError) as error:
        raise BadUpdate("not JSON") from error
    if not isinstance(body, dict):
        raise BadUpdate("not a JSON object")
    try:
        return _read(Update(**body), str(body.get("update_id")))
    except BadUpdate:
        raise
    except (TypeError, ValueError, AttributeError, KeyError, OverflowError, OSError) as error:  # aiogram
        raise BadUpdate(f"not an update ({type(error).__name__})") from error
