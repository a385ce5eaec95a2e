"""The website widget's channel: Rasa's socket.io channel with session persistence that works.

Rasa 3.6's `SocketIOInput` calls `sio.enter_room()` without awaiting it; since python-socketio
5.x that method is a coroutine, so the socket never joins its session's room and, with
`session_persistence: true`, every bot reply (emitted to the room) is lost. This subclass
re-registers the `session_request` handler with the call awaited, and only accepts session ids
that look like the ones it hands out (they become Rasa sender ids).
"""

from __future__ import annotations

import logging
import re
import uuid
from typing import Any, Awaitable, Callable

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint

logger = logging.getLogger(__name__)

SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def valid_session_id(value: Any) -> str:
    """The client's stored id when well-formed, else a fresh one."""
    if isinstance(value, str) and SESSION_ID.match(value):
        return value
    return uuid.uuid4().hex


class WebsiteInput(SocketIOInput):  # type: ignore[misc]  # rasa is untyped
    """socket.io for the website widget (events, path and metadata key as in Rasa's channel)."""

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint: Blueprint = super().blueprint(on_new_message)
        sio = self.sio
        assert sio is not None

        async def session_request(sid: str, data: dict[str, Any] | None) -> None:
            session_id = valid_session_id((data or {}).get("session_id"))
            if self.session_persistence:
                await sio.enter_room(sid, session_id, namespace=self.namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)
            logger.debug("socket %s joined session %s", sid, session_id)

        # Replaces the handler Rasa registered for the same event.
        sio.on("session_request", handler=session_request, namespace=self.namespace)
        return blueprint
