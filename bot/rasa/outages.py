"""A turn that meets a store not answering (the tracker store's PostgreSQL, the lock store's
Redis) is abandoned whole, as one that meets a failed custom action: the channel's guard
(bot/rasa/serve.py) answers with the apology and the user sends the message again.

`store_outage` tells these errors from bugs. `raise_tracker_store_errors` stops Rasa's
FailSafeTrackerStore from hiding them during a turn: it would read the conversation as empty
and save the turn in memory, so the message would be answered as the first of a new
conversation and the turn lost."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def store_outage(error: BaseException) -> bool:
    """The tracker store's database or the lock store's Redis did not answer. The turn was not
    saved: a tracker is saved in one transaction, and the lock store does not raise once the
    turn is saved (bot/rasa/lock_store.py)."""
    from redis.exceptions import ConnectionError as RedisConnectionError  # type: ignore[import-untyped]
    from redis.exceptions import TimeoutError as RedisTimeoutError

    from bot.db import CONNECTION_ERRORS

    return isinstance(error, (*CONNECTION_ERRORS, RedisConnectionError, RedisTimeoutError))


def raise_tracker_store_errors(during_turn: Callable[[], bool]) -> None:
    """Rasa's FailSafeTrackerStore raises the primary store's error while `during_turn()`, and
    falls back to its in-memory store (Rasa's behaviour) otherwise."""
    from rasa.core.tracker_store import FailSafeTrackerStore

    for name in ("on_tracker_store_error", "on_tracker_store_retrieve_error"):
        original = getattr(FailSafeTrackerStore, name)
        if getattr(original, "raises_during_turns", False):
            continue

        def raising(
            self: Any, error: Exception, _original: Callable[[Any, Exception], None] = original
        ) -> None:
            if during_turn():
                raise error
            _original(self, error)

        raising.raises_during_turns = True  # type: ignore[attr-defined]
        setattr(FailSafeTrackerStore, name, raising)
