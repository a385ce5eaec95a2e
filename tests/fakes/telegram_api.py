"""A fake Telegram Bot API (https://core.telegram.org/bots/api) on localhost: answers getMe,
setWebhook, sendMessage, answerCallbackQuery and the other send methods with Telegram's JSON,
and records every call. Also builds the `Update` JSON Telegram posts to a bot's webhook."""

from __future__ import annotations

import itertools
import json
import time
from typing import Any

from . import FakeServer, wait_until

BOT_ID = 7000001
BOT_USERNAME = "harbin_itlaw_bot"
BOT_USER = {"id": BOT_ID, "is_bot": True, "first_name": "Harbin IT-law", "username": BOT_USERNAME}
TOKEN = f"{BOT_ID}:AAFakeTokenForTheTestsOnly_0123456789"
JSON_FIELDS = {"reply_markup", "entities", "allowed_updates"}


class FakeTelegramAPI(FakeServer):
    def __init__(self, token: str = TOKEN, username: str = BOT_USERNAME) -> None:
        super().__init__()
        self.token = token
        self.username = username
        self.calls: list[dict[str, Any]] = []
        self._message_ids = itertools.count(100)

    def handle(self, method, path, query, body, headers):
        parts = path.strip("/").split("/")
        if len(parts) != 2 or not parts[0].startswith("bot"):
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        if parts[0][3:] != self.token:
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        api_method = parts[1]
        params = {**query, **body}
        for key in JSON_FIELDS & params.keys():
            if isinstance(params[key], str):
                params[key] = json.loads(params[key])
        with self.lock:
            self.calls.append({"method": api_method, "params": params})
        return 200, {"ok": True, "result": self._result(api_method.lower(), params)}

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getme":
            return {
                "id": BOT_ID,
                "is_bot": True,
                "first_name": "Harbin IT-law",
                "username": self.username,
                "can_join_groups": True,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
            }
        if method.startswith("send"):
            message = {
                "message_id": next(self._message_ids),
                "from": {**BOT_USER, "username": self.username},
                "chat": {"id": int(params.get("chat_id", 0)), "type": "private"},
                "date": int(time.time()),
            }
            if "text" in params:
                message["text"] = params["text"]
            if "reply_markup" in params:
                message["reply_markup"] = params["reply_markup"]
            return message
        return True  # setWebhook, answerCallbackQuery, deleteWebhook, ...

    # --- what the tests look at --------------------------------------------------------------

    def calls_of(self, method: str, chat_id: int | None = None) -> list[dict[str, Any]]:
        with self.lock:
            calls = [c["params"] for c in self.calls if c["method"].lower() == method.lower()]
        if chat_id is not None:
            calls = [c for c in calls if str(c.get("chat_id")) == str(chat_id)]
        return calls

    def sent(self, chat_id: int) -> list[dict[str, Any]]:
        return self.calls_of("sendMessage", chat_id)

    def wait_sent(self, chat_id: int, count: int, timeout: float = 30) -> list[dict[str, Any]]:
        return wait_until(lambda: len(self.sent(chat_id)) >= count and self.sent(chat_id), timeout)


_update_ids = itertools.count(int(time.time()) % 100_000 * 1000)


def _user(user_id: int, language_code: str) -> dict[str, Any]:
    return {
        "id": user_id,
        "is_bot": False,
        "first_name": "Li",
        "last_name": "Wei",
        "username": f"user{user_id}",
        "language_code": language_code,
    }


def message_update(
    chat_id: int, text: str | None = None, language_code: str = "en", **content: Any
) -> dict[str, Any]:
    """The Update for a private-chat message: text, or other content (photo=[...], sticker=...)."""
    message: dict[str, Any] = {
        "message_id": next(_update_ids) % 1_000_000,
        "from": _user(chat_id, language_code),
        "chat": {
            "id": chat_id,
            "first_name": "Li",
            "last_name": "Wei",
            "username": f"user{chat_id}",
            "type": "private",
        },
        "date": int(time.time()),
    }
    if text is not None:
        message["text"] = text
        if text.startswith("/"):
            message["entities"] = [{"offset": 0, "length": len(text.split()[0]), "type": "bot_command"}]
    message.update(content)
    return {"update_id": next(_update_ids), "message": message}


def callback_update(
    chat_id: int, data: str, bot_message: dict[str, Any] | None = None, language_code: str = "en"
) -> dict[str, Any]:
    """The Update for a tap on an inline keyboard button of one of the bot's messages."""
    message = bot_message or {"text": "", "reply_markup": None}
    return {
        "update_id": next(_update_ids),
        "callback_query": {
            "id": str(next(_update_ids) * 7919),
            "from": _user(chat_id, language_code),
            "message": {
                "message_id": next(_update_ids) % 1_000_000,
                "from": BOT_USER,
                "chat": {"id": chat_id, "first_name": "Li", "type": "private"},
                "date": int(time.time()),
                "text": message.get("text", ""),
                **({"reply_markup": message["reply_markup"]} if message.get("reply_markup") else {}),
            },
            "chat_instance": str(-chat_id * 31),
            "data": data,
        },
    }
