"""What more than one channel needs: conversation ids that carry their channel, a small
expiring cache (de-duplication of retried updates, nonces, per-user state), masking of secrets
in URLs, and the payload that greets a user in their language. Text the channels send, and
buttons as text, are in `texts`."""

from __future__ import annotations

import json
import re
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from bot.language import Language

WECHAT_API_URL = "https://api.weixin.qq.com"

# A conversation id is "<channel>:<the channel's own id>", so that no channel can name another
# channel's user: a REST client choosing `sender` gets "rest:<sender>", never a Telegram chat.
WEB, TELEGRAM, WECHAT, REST = "web", "tg", "wx", "rest"
CHANNEL_PREFIXES = (WEB, TELEGRAM, WECHAT, REST)


def conversation_id(channel: str, own_id: str | int) -> str:
    """The Rasa sender id of a channel's user: the channel's prefix and the channel's own id."""
    if channel not in CHANNEL_PREFIXES:
        raise ValueError(f"unknown channel prefix {channel!r}")
    return f"{channel}:{own_id}"


def native_id(channel: str, sender_id: str | int) -> str:
    """The channel's own id (chat id, OpenID, room) of a conversation id; ids without the
    prefix (e.g. given to Rasa's HTTP API by hand) are taken as they are."""
    text = str(sender_id)
    prefix = channel + ":"
    return text[len(prefix) :] if text.startswith(prefix) else text


_SECRET_PARAMETER = re.compile(r"((?:secret|access_token|appsecret|token)=)[^&\s'\"]+", re.IGNORECASE)


def mask_secrets(text: str) -> str:
    """`text` (a URL, an error message) with the values of secret query parameters masked."""
    return _SECRET_PARAMETER.sub(r"\1***", text)


class TTLCache:
    """A small bounded mapping whose entries expire: de-duplication keys and per-user state."""

    def __init__(self, max_entries: int, ttl: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_entries = max_entries
        self.ttl = ttl
        self._clock = clock
        self._items: OrderedDict[str, tuple[float, Any]] = OrderedDict()

    def _expire(self) -> None:
        now = self._clock()
        while self._items:
            key, (expires, _) = next(iter(self._items.items()))
            if expires > now and len(self._items) <= self.max_entries:
                break
            del self._items[key]

    def get(self, key: str, default: Any = None) -> Any:
        self._expire()
        item = self._items.get(key)
        return default if item is None else item[1]

    def set(self, key: str, value: Any) -> None:
        self._items.pop(key, None)
        self._items[key] = (self._clock() + self.ttl, value)
        self._expire()

    def pop(self, key: str) -> None:
        self._items.pop(key, None)

    def add(self, key: str) -> bool:
        """Remembers `key`; False when it was already there (a duplicate)."""
        self._expire()
        if key in self._items:
            return False
        self.set(key, True)
        return True

    def __len__(self) -> int:
        self._expire()
        return len(self._items)


def greet_payload(language: Language) -> str:
    """The greeting intent with the language entity (actions/language.py sets the slot from it)."""
    return "/greet" + json.dumps({"language": language})
