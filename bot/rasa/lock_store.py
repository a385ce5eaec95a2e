"""Rasa's Redis lock store, made safe for several Rasa servers (the production profile).

Rasa 3.6's RedisLockStore changes a conversation's ticket lock by reading it (GET), changing
it in Python and writing it back (SET). Two servers that get a message of the same
conversation at the same moment both read the lock without tickets, both issue ticket 0 and
both run their turn on the same tracker: one turn is then lost when the second save finds
nothing new to append (tests/integration/test_production.py shows it). Here every change of
a lock (issue a ticket, finish serving, drop expired tickets, clean up) is one optimistic
Redis transaction (WATCH / MULTI / EXEC, retried when another server changed the lock in
between), so tickets are issued exactly once and served in order across all servers.

Redis down: a message's ticket cannot be issued, the turn is not run, and the channel answers
with the apology (bot/rasa/serve.py); redis-py connects again on the next call once Redis is
back (a lock lost with Redis only lets the next message in at once)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any, TypeVar

import redis  # type: ignore[import-untyped]  # redis 4.6 ships no types
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

T = TypeVar("T")
log = logging.getLogger(__name__)


class AtomicRedisLockStore(RedisLockStore):  # type: ignore[misc]  # rasa is untyped
    def __init__(self, endpoint_config: EndpointConfig) -> None:
        # Rasa hands a lock store named by module path only its endpoint configuration.
        super().__init__(host=endpoint_config.url, **endpoint_config.kwargs)

    def _change(self, conversation_id: str, change: Callable[[TicketLock | None], tuple[Any, T]]) -> T:
        """Reads the lock, applies `change` (-> (lock to save or None to delete, result)) and
        writes the outcome in one transaction; again when the lock changed in between."""
        key = self.key_prefix + conversation_id
        while True:
            with self.red.pipeline() as pipe:
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    lock = TicketLock.from_dict(json.loads(raw)) if raw else None
                    outcome, result = change(lock)
                    pipe.multi()
                    if outcome is None:
                        pipe.delete(key)
                    else:
                        pipe.set(key, outcome.dumps())
                    pipe.execute()
                    return result
                except redis.WatchError:
                    continue

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def issue(lock: TicketLock | None) -> tuple[TicketLock, int]:
            lock = lock or TicketLock(conversation_id)
            return lock, int(lock.issue_ticket(lock_lifetime))

        return self._change(conversation_id, issue)

    def update_lock(self, conversation_id: str) -> None:
        def update(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock:
                lock.remove_expired_tickets()
            return lock, None

        self._change(conversation_id, update)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        def finish(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock:
                lock.remove_ticket_for(ticket_number)
            return lock, None

        self._change(conversation_id, finish)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Finishes serving the ticket and deletes the lock when no one else waits, together.

        Redis not answering here is logged, not raised: the turn is over and saved, and an error
        would make the channel apologize for a message that was handled (the user would send it
        again: a doubled turn). The ticket then expires by itself after its lifetime."""

        def clean(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock:
                lock.remove_ticket_for(ticket_number)
                if not lock.is_someone_waiting():
                    return None, None
            return lock, None

        try:
            self._change(conversation_id, clean)
        except (redis.ConnectionError, redis.TimeoutError) as error:
            log.warning("could not release a conversation's lock (%s); it expires by itself", error)
