"""Abuse limits on incoming messages: how many a conversation and an address may send in a
window, and how long one message may be; with the polite answer a refused message gets.

The Rasa server applies them to every channel's messages before the bot sees them
(bot/rasa/serve.py); this module knows nothing of Rasa. A refused message is not processed and
not stored; its sender is told why and what to do (wait, shorten, split). Refused messages do
not count: a flood does not prolong its own pause, and the limits recover once the messages
admitted in the last window have aged out of it.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml

from bot.language import Language, detect_language
from bot.settings import Settings

Clock = Callable[[], float]

# The answers' texts (limits.*) in bot/knowledge/messages.yml.
MESSAGES = Path(__file__).resolve().parent / "knowledge" / "messages.yml"
_TEXTS: dict[str, dict[Language, str]] = yaml.safe_load(MESSAGES.read_text(encoding="utf-8"))["limits"]

# How many conversations and addresses are remembered at once; beyond, the least recently
# seen are forgotten (their windows are empty or nearly so: a flood keeps its key fresh).
MAX_KEYS = 100_000


class SlidingWindow:
    """At most `limit` admitted events per key in any `window` seconds (limit 0: no limit)."""

    def __init__(
        self, limit: int, window: float = 60.0, clock: Clock = time.monotonic, max_keys: int = MAX_KEYS
    ) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self.max_keys = max_keys
        self._seen: OrderedDict[str, deque[float]] = OrderedDict()

    def wait(self, key: str) -> float:
        """Seconds until `key` may send again; 0 when an event would be admitted now."""
        if self.limit <= 0:
            return 0.0
        times = self._current(key)
        if times is None or len(times) < self.limit:
            return 0.0
        return max(0.0, times[0] + self.window - self.clock())

    def record(self, key: str) -> None:
        if self.limit <= 0:
            return
        times = self._current(key)
        if times is None:
            times = self._seen[key] = deque()
        times.append(self.clock())
        self._seen.move_to_end(key)
        while len(self._seen) > self.max_keys:
            self._seen.popitem(last=False)

    def __len__(self) -> int:
        return len(self._seen)

    def _current(self, key: str) -> deque[float] | None:
        """The key's times still in the window (older ones dropped), None when there are none."""
        times = self._seen.get(key)
        if times is None:
            return None
        cutoff = self.clock() - self.window
        while times and times[0] <= cutoff:
            times.popleft()
        if not times:
            del self._seen[key]
            return None
        return times


Reason = Literal["conversation", "address", "too_long"]


@dataclass(frozen=True)
class Refusal:
    """Why a message is not passed on; `wait`: seconds until the sender may send again."""

    reason: Reason
    wait: float = 0.0
    length: int = 0
    limit: int = 0

    def answer(self, text: str | None) -> str:
        """The polite answer, in the language of the refused message; in both languages (Chinese
        first) when it has none (a button's payload, digits, emoji)."""
        language = None if (text or "").startswith("/") else detect_language(text or "")
        languages: tuple[Language, ...] = (language,) if language else ("zh", "en")
        if self.reason == "too_long":
            template, values = "too_long", {"length": self.length, "limit": self.limit}
        else:
            template, values = (
                "too_many",
                {"seconds": max(2, math.ceil(self.wait))},
            )  # "about 2 seconds", never "1 seconds"
        return "\n\n".join(_TEXTS[template][lang].format(**values) for lang in languages)


class Limits:
    """The checks on one incoming message: per conversation and per address in a window, and
    its length. Limits of 0 switch a check off."""

    def __init__(
        self,
        max_chars: int,
        per_conversation: int,
        per_address: int,
        window: float = 60.0,
        clock: Clock = time.monotonic,
    ) -> None:
        self.max_chars = max_chars
        self.conversations = SlidingWindow(per_conversation, window, clock)
        self.addresses = SlidingWindow(per_address, window, clock)

    @classmethod
    def from_settings(cls, settings: Settings, clock: Clock = time.monotonic) -> Limits:
        return cls(
            settings.max_message_chars,
            settings.messages_per_minute,
            settings.ip_messages_per_minute,
            settings.rate_window_seconds,
            clock,
        )

    def check(self, conversation: str, address: str | None, text: str | None) -> Refusal | None:
        """None when the message may pass (it is then counted), else why not. `address` None:
        no per-address limit (messages relayed by a platform, or from this machine)."""
        wait = self.addresses.wait(address) if address else 0.0
        if wait:
            return Refusal("address", wait)
        wait = self.conversations.wait(conversation)
        if wait:
            return Refusal("conversation", wait)
        self.conversations.record(conversation)
        if address:
            self.addresses.record(address)
        length = len(text or "")
        if self.max_chars > 0 and length > self.max_chars:
            return Refusal("too_long", length=length, limit=self.max_chars)
        return None
