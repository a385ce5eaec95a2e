"""What more than one channel needs: a small expiring cache (de-duplication of retried
updates, per-user state) and the payload that greets a user in their language. Text the
channels send, and buttons as text, are in `texts`."""

from __future__ import annotations

import json
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from bot.language import Language

WECHAT_API_URL = "https://api.weixin.qq.com"


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
