"""The website widget's socket.io channel: a socket joins its session's room (so replies reach
it) and session ids from the browser are checked."""

from __future__ import annotations

import asyncio
from unittest.mock import AsyncMock

from bot.rasa.channels.website import WebsiteInput, valid_session_id


def test_a_stored_session_id_is_kept_and_a_bad_one_replaced():
    good = "0123456789abcdef0123456789abcdef"
    assert valid_session_id(good) == good
    for bad in (None, "", "short", "x" * 65, "../../etc", {"a": 1}, "a b" * 10):
        fresh = valid_session_id(bad)
        assert fresh != bad and len(fresh) == 32


def test_session_request_joins_the_room_the_replies_are_sent_to():
    channel = WebsiteInput.from_credentials(
        {"user_message_evt": "user_uttered", "bot_message_evt": "bot_uttered", "session_persistence": True}
    )
    channel.blueprint(AsyncMock())
    sio = channel.sio
    sio.enter_room = AsyncMock()
    sio.emit = AsyncMock()
    handler = sio.handlers["/"]["session_request"]
    session = "0123456789abcdef0123456789abcdef"

    asyncio.run(handler("socket-1", {"session_id": session}))

    sio.enter_room.assert_awaited_once_with("socket-1", session, namespace=None)
    sio.emit.assert_awaited_once_with("session_confirm", session, room="socket-1", namespace=None)
