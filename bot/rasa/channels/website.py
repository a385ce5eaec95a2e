"""The website widget's channel: Rasa's socket.io channel with sessions a browser cannot forge.

What differs from rasa.core.channels.socketio (3.6):
- the session id the server hands out in `session_confirm` is signed: "<id>.<HMAC-SHA256 of
  the id>" with a server key (the key file `website_session.key` under LAWBOT_VAR_DIR, made
  0600 at first start). A stored id the widget sends back in `session_request` is kept only
  when its signature is right; a tampered, foreign or old-style id gets a fresh session;
- a message (`user_uttered`) counts only on a socket that joined a session, and it goes to
  that session: the `session_id` in the message may repeat it but cannot choose another one
  (Rasa's handler takes any session id from the message, so anyone could write into anyone's
  conversation);
- the conversation id (Rasa's sender id and the socket.io room the replies go to) is
  "web:<id>"; the signature stays with the browser, never in a database or a log;
- `enter_room` is awaited (Rasa 3.6 does not, and since python-socketio 5 it is a coroutine,
  so with `session_persistence` every reply was lost);
- a response's `custom:` block reaches the widget as `{"custom": {...}}` (the widget clears
  its stored history when it carries `"erased": true`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import re
import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint

from bot.rasa.channels.common import WEB, conversation_id
from bot.settings import load

logger = logging.getLogger(__name__)

KEY_FILE = "website_session.key"
SESSION_ID = re.compile(r"^([0-9a-f]{32})\.([0-9a-f]{64})$")


def session_key(var_dir: Path) -> bytes:
    """The server's key for signing session ids: read from var_dir, made (0600) when missing."""
    path = var_dir / KEY_FILE
    try:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    except FileNotFoundError:
        pass
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    with os.fdopen(fd, "w", encoding="ascii") as file:
        file.write(key.hex())
    return key


class SessionSigner:
    """Issues signed session ids and tells which ones are genuine."""

    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("the session key is too short")
        self._key = key

    def _mac(self, session: str) -> str:
        return hmac.new(
            self._key, b"lawbot-web-session:" + session.encode("ascii"), hashlib.sha256
        ).hexdigest()

    def issue(self) -> str:
        session = secrets.token_hex(16)
        return f"{session}.{self._mac(session)}"

    def verify(self, value: Any) -> str | None:
        """The session of a genuine signed id, None for anything else."""
        if not isinstance(value, str):
            return None
        match = SESSION_ID.match(value)
        if match is None or not hmac.compare_digest(match.group(2), self._mac(match.group(1))):
            return None
        return match.group(1)


class WebsiteOutput(SocketIOOutput):  # type: ignore[misc]  # rasa is untyped
    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        await self._send_message(recipient_id, {"custom": json_message})


class WebsiteInput(SocketIOInput):  # type: ignore[misc]  # rasa is untyped
    """socket.io for the website widget (events, path and metadata key as in Rasa's channel)."""

    def __init__(self, *args: Any, signer: SessionSigner | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._signer = signer
        self._sessions: dict[str, str] = {}  # socket id -> the conversation id it joined

    @property
    def signer(self) -> SessionSigner:
        if self._signer is None:
            self._signer = SessionSigner(session_key(load().var_dir))
        return self._signer

    def get_output_channel(self) -> WebsiteOutput | None:
        return None if self.sio is None else WebsiteOutput(self.sio, self.bot_message_evt)

    def session_of(self, sid: str) -> str | None:
        """The conversation id of the session a socket joined."""
        return self._sessions.get(sid)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint: Blueprint = super().blueprint(on_new_message)
        sio = self.sio
        assert sio is not None
        signer = self.signer  # made now: a missing key file shows at start, not at the first visit

        async def session_request(sid: str, data: Any) -> None:
            stored = data.get("session_id") if isinstance(data, dict) else None
            session = signer.verify(stored)
            if session is not None:
                signed = str(stored)
            else:
                if stored:
                    logger.info("socket %s sent a session id that is not ours: a fresh session", sid)
                signed = signer.issue()
                session = signed.split(".", 1)[0]
            previous = self._sessions.get(sid)
            room = conversation_id(WEB, session)
            if previous and previous != room:
                await sio.leave_room(sid, previous, namespace=self.namespace)
            self._sessions[sid] = room
            await sio.enter_room(sid, room, namespace=self.namespace)
            await sio.emit("session_confirm", signed, room=sid, namespace=self.namespace)

        async def handle_message(sid: str, data: Any) -> None:
            room = self._sessions.get(sid)
            if room is None or not isinstance(data, dict):
                logger.warning("message on socket %s refused: it has not joined a session", sid)
                return
            claimed = data.get("session_id")
            if claimed is not None and conversation_id(WEB, signer.verify(claimed) or "-") != room:
                logger.warning("message on socket %s refused: it names another session", sid)
                return
            text = data.get("message")
            if not isinstance(text, str):
                return
            metadata = data.get(self.metadata_key) or {}
            if isinstance(metadata, str):
                try:
                    metadata = json.loads(metadata)
                except ValueError:
                    metadata = {}
            if not isinstance(metadata, dict):
                metadata = {}
            output = WebsiteOutput(sio, self.bot_message_evt)
            await on_new_message(
                UserMessage(text, output, room, input_channel=self.name(), metadata=metadata)
            )

        async def disconnect(sid: str, *_: Any) -> None:  # python-socketio 5.12+ adds a reason
            self._sessions.pop(sid, None)

        # Replace the handlers Rasa registered for the same events.
        sio.on("session_request", handler=session_request, namespace=self.namespace)
        sio.on(self.user_message_evt, handler=handle_message, namespace=self.namespace)
        sio.on("disconnect", handler=disconnect, namespace=self.namespace)
        return blueprint
