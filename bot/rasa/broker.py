"""The event broker of the production profile: Rasa's Pika broker publishing each tracker event
reduced to names, counts and times (`bot.events.names_only`). The only reader of the queue, the
event consumer (`python -m bot.events`), needs no more, and RabbitMQ (its queues may be written
to disk) never holds what a user typed, entities or slot values: the encryption and erasure
duties of the stores need not reach it."""

from __future__ import annotations

from typing import Any

from rasa.core.brokers.pika import PikaEventBroker

from bot.events import names_only


class NamesOnlyPikaEventBroker(PikaEventBroker):  # type: ignore[misc]  # rasa is untyped
    def publish(self, event: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        super().publish(names_only(event), headers)
