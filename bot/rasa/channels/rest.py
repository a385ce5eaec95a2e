"""The REST channel for development and tests: Rasa's RestInput (same URL,
/webhooks/rest/webhook, same JSON), with the conversation id "rest:<sender>" so that a client
choosing `sender` can only ever name a REST conversation, never a Telegram chat, a WeChat user
or a website session.

With LAWBOT_REST_TOKEN set, every message needs `Authorization: Bearer <token>` (401
otherwise). In the production profile the channel is not opened without a token
(`bot.rasa.channels.credentials`); opened by hand there without one, it refuses everything.
The client cannot choose the input channel either: it is always "rest".
"""

from __future__ import annotations

import hmac
from typing import Any

from rasa.core.channels.rest import RestInput as RasaRestInput
from sanic.exceptions import Forbidden, InvalidUsage, Unauthorized
from sanic.request import Request

from bot.rasa.channels.common import REST, conversation_id
from bot.settings import load

MAX_SENDER_CHARS = 128


def bearer_matches(header: str | None, token: str) -> bool:
    """Whether an Authorization header carries this bearer token (compared in constant time)."""
    scheme, _, given = (header or "").strip().partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode("utf-8"), token.encode("utf-8"))


class RestInput(RasaRestInput):  # type: ignore[misc]  # rasa is untyped
    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> RestInput:
        """The token is read from the settings (LAWBOT_REST_TOKEN), never from the file."""
        settings = load()
        return cls(token=settings.rest_token, closed=settings.production and not settings.rest_token)

    def __init__(self, token: str | None = None, closed: bool = False) -> None:
        self.token = token
        self.closed = closed

    def check(self, request: Request) -> None:
        """Raises 403 when the channel is closed, 401 without the right bearer token."""
        if self.closed:
            raise Forbidden("the REST channel is closed in production without LAWBOT_REST_TOKEN")
        if self.token and not bearer_matches(request.headers.get("authorization"), self.token):
            raise Unauthorized("a bearer token is required", scheme="Bearer")  # type: ignore[no-untyped-call]

    async def _extract_sender(self, req: Request) -> str:
        self.check(req)  # the first thing Rasa's handler asks for
        body = req.json if isinstance(req.json, dict) else {}
        sender = body.get("sender")
        if not isinstance(sender, str) or not sender.strip() or len(sender) > MAX_SENDER_CHARS:
            raise InvalidUsage(
                f"`sender` must be a non-empty string of at most {MAX_SENDER_CHARS} characters"
            )
        return conversation_id(REST, sender.strip())

    def _extract_message(self, req: Request) -> str | None:
        body = req.json if isinstance(req.json, dict) else {}
        message = body.get("message")
        return message if isinstance(message, str) else None

    def _extract_input_channel(self, req: Request) -> str:
        return str(self.name())

    def get_metadata(self, request: Request) -> dict[str, Any] | None:
        body = request.json if isinstance(request.json, dict) else {}
        metadata = body.get("metadata")
        return metadata if isinstance(metadata, dict) else None
