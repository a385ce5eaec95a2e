"""The website widget's socket.io channel: signed session ids, a socket that may write only
into the session it joined, the conversation id "web:<id>", and the room the replies go to."""

from __future__ import annotations

import asyncio
import stat
from unittest.mock import AsyncMock

import pytest

from bot.rasa.channels.website import KEY_FILE, SessionSigner, WebsiteInput, session_key

SIGNER = SessionSigner(b"k" * 32)


def test_a_signed_session_id_is_recognised_and_a_tampered_one_is_not():
    signed = SIGNER.issue()
    session, mac = signed.split(".")
    assert SIGNER.verify(signed) == session and len(session) == 32
    assert SIGNER.issue() != signed
    flipped = mac[:-1] + ("0" if mac[-1] != "0" else "1")
    for bad in (
        None,
        "",
        session,  # the conversation id alone (e.g. read in a log): not enough
        f"{session}.{flipped}",
        f"{'0' * 32}.{mac}",  # another session with this signature
        SessionSigner(b"x" * 32).issue(),  # signed with another server's key
        signed.upper(),
        signed + "0",
        {"session_id": signed},
    ):
        assert SIGNER.verify(bad) is None, bad


def test_the_session_key_is_made_once_readable_only_by_its_owner(tmp_path):
    key = session_key(tmp_path)
    assert len(key) == 32 and session_key(tmp_path) == key
    assert stat.S_IMODE((tmp_path / KEY_FILE).stat().st_mode) == 0o600


@pytest.fixture
def channel():
    channel = WebsiteInput.from_credentials(
        {"user_message_evt": "user_uttered", "bot_message_evt": "bot_uttered", "session_persistence": True}
    )
    channel._signer = SIGNER
    channel.on_new_message = AsyncMock()
    channel.blueprint(channel.on_new_message)
    sio = channel.sio
    sio.enter_room = AsyncMock()
    sio.leave_room = AsyncMock()
    sio.emit = AsyncMock()
    return channel


def handler(channel, event):
    return channel.sio.handlers["/"][event]


def confirmed(channel) -> str:
    """The session id the last session_confirm gave."""
    args, kwargs = channel.sio.emit.await_args
    assert args[0] == "session_confirm"
    return args[1]


def test_a_socket_with_its_signed_id_rejoins_its_conversation(channel):
    signed = SIGNER.issue()
    asyncio.run(handler(channel, "session_request")("socket-1", {"session_id": signed}))
    room = "web:" + signed.split(".")[0]
    channel.sio.enter_room.assert_awaited_once_with("socket-1", room, namespace=None)
    channel.sio.emit.assert_awaited_once_with("session_confirm", signed, room="socket-1", namespace=None)
    assert channel.session_of("socket-1") == room


@pytest.mark.parametrize("stored", [None, "0123456789abcdef0123456789abcdef", "forged.0000", 17])
def test_a_socket_without_a_genuine_id_gets_a_fresh_session(channel, stored):
    asyncio.run(handler(channel, "session_request")("socket-1", {"session_id": stored}))
    fresh = confirmed(channel)
    assert SIGNER.verify(fresh) and fresh != stored
    assert channel.session_of("socket-1") == "web:" + fresh.split(".")[0]


def test_a_message_goes_to_the_socket_s_own_session_only(channel):
    victim, attacker = SIGNER.issue(), SIGNER.issue()
    asyncio.run(handler(channel, "session_request")("victim", {"session_id": victim}))
    asyncio.run(handler(channel, "session_request")("attacker", {"session_id": attacker}))
    say = handler(channel, "user_uttered")

    asyncio.run(say("stranger", {"message": "what do you have about me", "session_id": victim}))
    asyncio.run(say("attacker", {"message": "delete my data", "session_id": victim}))
    asyncio.run(say("attacker", {"message": "delete my data", "session_id": victim.split(".")[0]}))
    channel.on_new_message.assert_not_awaited()

    asyncio.run(say("attacker", {"message": "hello", "session_id": attacker, "metadata": {"language": "en"}}))
    asyncio.run(say("victim", {"message": "你好"}))  # the session id may also be left out
    senders = [call.args[0].sender_id for call in channel.on_new_message.await_args_list]
    assert senders == ["web:" + attacker.split(".")[0], "web:" + victim.split(".")[0]]
    first = channel.on_new_message.await_args_list[0].args[0]
    assert (
        first.text == "hello" and first.metadata == {"language": "en"} and first.input_channel == "socketio"
    )


def test_a_disconnected_socket_forgets_its_session(channel):
    asyncio.run(handler(channel, "session_request")("socket-1", {"session_id": None}))
    asyncio.run(handler(channel, "disconnect")("socket-1", "client disconnect"))
    assert channel.session_of("socket-1") is None
    asyncio.run(
        handler(channel, "user_uttered")("socket-1", {"message": "hi", "session_id": confirmed(channel)})
    )
    channel.on_new_message.assert_not_awaited()


def test_an_erasure_confirmation_reaches_the_widget_as_custom(channel):
    output = channel.get_output_channel()
    asyncio.run(output.send_custom_json("web:abc", {"erased": True}))
    channel.sio.emit.assert_awaited_once_with("bot_uttered", {"custom": {"erased": True}}, room="web:abc")
