"""Rasa 3.6 work repeated on every message for nothing, done once instead; what Rasa does is
unchanged. Applied by the Rasa server (`bot/rasa/serve.py`); the measurements that found them
are in docs/performance.md (`python -m benchmarks.profile_message`).

- Every answer of the action server is checked against Rasa's JSON schema of events with
  `jsonschema.validate`, which first checks the schema itself and builds a validator: about 40%
  of the server's time per message. Here the validator is built once; the answer is checked
  the same way (the same error when it does not fit).
- Every stored event read back is matched to its class by walking all subclasses of `Event`
  (`Event.resolve_by_type`), hundreds of times per message in a long conversation. Here the
  class found for a type name is remembered.
- Every action call opens a new HTTP connection (a new aiohttp session) to the action server,
  several per message. Here the action endpoint keeps one session and its connections alive
  (fewer seconds than servers keep them, so a connection the server is closing is never reused).
"""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp

KEEP_ALIVE_SECONDS = 2.0  # less than Sanic's 5 s (the action server's) and most servers'


def validate_action_results_once() -> None:
    """RemoteAction._validate_action_result with a validator built once."""
    from jsonschema.validators import validator_for  # type: ignore[import-untyped]
    from rasa.core.actions.action import RemoteAction

    if getattr(RemoteAction._validate_action_result, "validator_built_once", False):
        return
    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)
    original = RemoteAction._validate_action_result

    def validate_action_result(self: Any, result: dict[str, Any]) -> bool:
        if validator.is_valid(result):
            return True
        return bool(original(self, result))  # Rasa's own error, with its explanation

    validate_action_result.validator_built_once = True  # type: ignore[attr-defined]
    RemoteAction._validate_action_result = validate_action_result


def resolve_event_types_once() -> None:
    """Event.resolve_by_type remembering the class found for each type name."""
    from rasa.shared.core.events import Event

    original = Event.resolve_by_type
    if getattr(original, "remembers", False):
        return
    found: dict[str, Any] = {}

    def resolve_by_type(type_name: str, default: Any = None) -> Any:
        known = found.get(type_name)
        if known is not None:
            return known
        resolved = original(type_name, default)
        if resolved is not None and getattr(resolved, "type_name", None) == type_name:
            found[type_name] = resolved
        return resolved

    resolve_by_type.remembers = True  # type: ignore[attr-defined]
    Event.resolve_by_type = staticmethod(resolve_by_type)


class _Borrowed:
    """`async with` on a shared session: the session stays open afterwards."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self.session

    async def __aexit__(self, *exc_info: object) -> None:
        return None


def keep_alive(endpoint: Any) -> Any:
    """The action endpoint (Rasa's EndpointConfig) with one session per event loop, whose
    connections are reused for KEEP_ALIVE_SECONDS. `close_sessions(endpoint)` closes it."""
    if endpoint is None or getattr(endpoint, "keeps_alive", False):
        return endpoint
    from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT

    def session() -> _Borrowed:
        loop = asyncio.get_running_loop()
        current: aiohttp.ClientSession | None = getattr(endpoint, "_shared_session", None)
        if current is None or current.closed or getattr(endpoint, "_shared_loop", None) is not loop:
            auth = endpoint.basic_auth
            current = aiohttp.ClientSession(  # as Rasa's EndpointConfig.session, connections kept
                headers=endpoint.headers,
                auth=aiohttp.BasicAuth(auth["username"], auth["password"]) if auth else None,
                timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
                connector=aiohttp.TCPConnector(keepalive_timeout=KEEP_ALIVE_SECONDS),
            )
            endpoint._shared_session, endpoint._shared_loop = current, loop
        return _Borrowed(current)

    endpoint.session = session
    endpoint.keeps_alive = True
    return endpoint


async def close_sessions(endpoint: Any) -> None:
    current = getattr(endpoint, "_shared_session", None)
    if current is not None and not current.closed:
        await current.close()


def apply() -> None:
    """The patches that need no endpoint (the Rasa server applies `keep_alive` to its own)."""
    validate_action_results_once()
    resolve_event_types_once()
