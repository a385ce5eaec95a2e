"""The channels' pieces that need no Rasa server: credentials from the environment and the
profile, conversation ids per channel, the REST channel's token, buttons as numbered text, the
TTL cache, WeChat XML, and the WeChat API client against the fake API (secrets kept out of
errors and logs)."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
from types import SimpleNamespace

import pytest
from fakes.wechat_api import APP_ID, APP_SECRET, FakeWeChatAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sanic.exceptions import Forbidden, InvalidUsage, Unauthorized

from bot.rasa.channels import REST, TELEGRAM, WECHAT, ChannelConfigurationError, credentials, texts
from bot.rasa.channels.common import TTLCache, conversation_id, greet_payload, mask_secrets, native_id
from bot.rasa.channels.rest import RestInput, bearer_matches
from bot.rasa.channels.telegram import TelegramInput
from bot.rasa.channels.telegram_update import BadUpdate, read_update
from bot.rasa.channels.wechat_api import WeChatAPI, WeChatAPIError, WeChatHTTPError
from bot.rasa.channels.wechat_xml import BadRequest, parse_xml, text_reply_xml
from bot.settings import load
from tests.support import free_port

BUTTONS = [{"title": "是", "payload": "/affirm"}, {"title": "否", "payload": "/deny"}]
TELEGRAM_ENV = {"TELEGRAM_TOKEN": "1:x", "TELEGRAM_VERIFY": "bot", "TELEGRAM_API_URL": "http://fake"}
WECHAT_ENV = {
    "WECHAT_TOKEN": "t",
    "WECHAT_APP_ID": "wx1",
    "WECHAT_APP_SECRET": "s",
    "WECHAT_ENCODING_AES_KEY": "k",
}


def production(**changes):
    return dataclasses.replace(load(), profile="production", **changes)


def test_telegram_and_wechat_are_not_opened_without_configuration():
    channels = credentials(load(), {})
    assert REST in channels and TELEGRAM not in channels and WECHAT not in channels
    assert "rest" not in channels, "Rasa's own REST channel takes any sender as it is"


def test_in_production_rest_opens_only_with_a_token_which_stays_out_of_the_file():
    assert REST not in credentials(production(rest_token=None), {})
    with_token = credentials(production(rest_token="s3cret-token"), {})
    assert REST in with_token and "s3cret-token" not in str(with_token)


def test_in_production_telegram_needs_its_secret_token():
    with pytest.raises(ChannelConfigurationError, match="TELEGRAM_SECRET_TOKEN"):
        credentials(production(), TELEGRAM_ENV)
    assert TELEGRAM in credentials(production(), {**TELEGRAM_ENV, "TELEGRAM_SECRET_TOKEN": "x" * 20})
    assert TELEGRAM in credentials(load(), TELEGRAM_ENV), "optional in the embedded profile"


def test_in_production_the_telegram_channel_refuses_to_start_without_its_secret_token(monkeypatch):
    monkeypatch.setenv("LAWBOT_PROFILE", "production")
    monkeypatch.setenv("TELEGRAM_TOKEN", "1:x")
    monkeypatch.delenv("TELEGRAM_SECRET_TOKEN", raising=False)
    with pytest.raises(ValueError, match="TELEGRAM_SECRET_TOKEN"):
        TelegramInput.from_credentials({})
    monkeypatch.setenv("TELEGRAM_SECRET_TOKEN", "x" * 20)
    assert TelegramInput.from_credentials({}).secret_token == "x" * 20


def test_telegram_compares_its_secret_token_exactly():
    channel = TelegramInput("1:x", None, None, secret_token="the-secret")
    header = "X-Telegram-Bot-Api-Secret-Token"
    assert channel.authentic(SimpleNamespace(headers={header: "the-secret"}))
    for wrong in ({}, {header: ""}, {header: "the-secre"}, {header: "the-secret "}, {header: "THE-SECRET"}):
        assert not channel.authentic(SimpleNamespace(headers=wrong))


def test_every_channel_names_its_conversations_with_its_prefix():
    assert conversation_id("tg", 123456) == "tg:123456"
    assert conversation_id("wx", "oAbC") == "wx:oAbC"
    assert native_id("tg", "tg:123456") == "123456"
    assert native_id("wx", "wx:oAbC") == "oAbC"
    assert native_id("tg", "123456") == "123456", "an id given by hand to Rasa's HTTP API"
    with pytest.raises(ValueError):
        conversation_id("sms", "1")


def rest_request(body, authorization: str | None = None):
    headers = {"authorization": authorization} if authorization is not None else {}
    return SimpleNamespace(json=body, headers=headers)


@pytest.mark.parametrize("sender", ["me", "tg:123456789", "wx:oAbCdEf", "web:0123456789abcdef"])
def test_a_rest_sender_is_always_a_rest_conversation(sender):
    extracted = asyncio.run(RestInput()._extract_sender(rest_request({"sender": sender, "message": "hi"})))
    assert extracted == f"rest:{sender}"
    assert RestInput()._extract_input_channel(rest_request({"input_channel": "telegram"})) == "rest"


@pytest.mark.parametrize("body", [{}, {"sender": ""}, {"sender": 42}, {"sender": "x" * 129}, ["me"]])
def test_a_rest_message_needs_a_sender(body):
    with pytest.raises(InvalidUsage):
        asyncio.run(RestInput()._extract_sender(rest_request(body)))


def test_with_a_token_rest_wants_it_as_a_bearer_token():
    channel = RestInput(token="t0ken-0123456789")
    body = {"sender": "me", "message": "hi"}
    for authorization in (None, "", "Bearer", "Bearer wrong", "Basic t0ken-0123456789", "t0ken-0123456789"):
        with pytest.raises(Unauthorized):
            asyncio.run(channel._extract_sender(rest_request(body, authorization)))
    assert asyncio.run(channel._extract_sender(rest_request(body, "Bearer t0ken-0123456789"))) == "rest:me"
    assert bearer_matches("bearer  t0ken-0123456789", "t0ken-0123456789")


def test_rest_opened_by_hand_in_production_without_a_token_refuses_everything(monkeypatch):
    monkeypatch.setenv("LAWBOT_PROFILE", "production")
    monkeypatch.delenv("LAWBOT_REST_TOKEN", raising=False)
    channel = RestInput.from_credentials(None)
    with pytest.raises(Forbidden):
        asyncio.run(channel._extract_sender(rest_request({"sender": "me", "message": "hi"}, "Bearer x")))
    monkeypatch.setenv("LAWBOT_REST_TOKEN", "t0ken-0123456789")
    channel = RestInput.from_credentials(None)
    assert channel.token == "t0ken-0123456789" and not channel.closed


def test_configured_channels_are_added_without_their_secrets():
    channels = credentials(load(), {**TELEGRAM_ENV, **WECHAT_ENV})
    assert channels[TELEGRAM] == {"verify": "bot", "api_url": "http://fake"}
    assert channels[WECHAT] == {"app_id": "wx1", "api_url": "https://api.weixin.qq.com"}
    assert "1:x" not in str(channels) and "'s'" not in str(channels)


def test_wechat_needs_token_app_id_and_secret():
    assert WECHAT not in credentials(load(), {"WECHAT_TOKEN": "t", "WECHAT_APP_ID": "wx1"})


def test_buttons_become_numbered_lines_with_a_hint_in_the_messages_language():
    assert texts.numbered_options("您同意吗？", BUTTONS) == "您同意吗？\n\n1. 是\n2. 否\n\n回复数字即可选择。"
    english = texts.numbered_options("Do you agree?", [{"title": "Yes", "payload": "/affirm"}])
    assert english.endswith("1. Yes\n\nReply with a number to choose.")


@pytest.mark.parametrize(
    ("reply", "payload"),
    [
        ("1", "/affirm"),
        (" 2 ", "/deny"),
        ("２", "/deny"),
        ("2.", "/deny"),
        ("是", "/affirm"),
        ("3", None),
        ("0", None),
        ("12345", None),
        ("1 and 2", None),
        ("我同意", None),
        ("", None),
    ],
)
def test_a_reply_picks_a_button_by_number_or_title(reply, payload):
    assert texts.chosen_payload(reply, BUTTONS) == payload


def test_without_buttons_a_number_is_just_text():
    assert texts.chosen_payload("1", None) is None


def test_long_texts_are_split_within_the_byte_limit():
    text = "\n".join(["数据出境安全评估" * 20] * 30) + "\n" + "长" * 3000
    parts = texts.split_text(text, 2000)
    assert all(len(part.encode()) <= 2000 for part in parts)
    assert "".join(parts).replace("\n", "") == text.replace("\n", "")
    assert texts.split_text("short", 2000) == ["short"]


def test_ttl_cache_expires_and_stays_bounded():
    now = [0.0]
    cache = TTLCache(max_entries=3, ttl=10, clock=lambda: now[0])
    assert cache.add("a") and not cache.add("a")
    now[0] = 11
    assert cache.add("a"), "expired entries are forgotten"
    for key in "bcde":
        cache.add(key)
    assert len(cache) == 3 and cache.get("a") is None


def test_wechat_xml_is_parsed_and_replies_escape_cdata():
    fields = parse_xml(text_reply_xml("o1", "gh_1", "a]]>b"))
    assert fields["Content"] == "a]]>b" and fields["ToUserName"] == "o1"
    for body in [
        b"",
        b"<xml>",
        b"<notxml/>",
        b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml/>',
    ]:
        with pytest.raises(BadRequest):
            parse_xml(body)


def test_wechat_xml_with_entities_or_a_dtd_is_refused_by_defusedxml():
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><xml><a>&lol2;</a></xml>'
    )
    external = b'<?xml version="1.0"?><!DOCTYPE xml SYSTEM "http://127.0.0.1:9/x.dtd"><xml><a>1</a></xml>'
    lowercase = b'<!doctype xml [<!entity e "x">]><xml><a>&e;</a></xml>'
    for body in (laughs, external, lowercase):
        with pytest.raises(BadRequest):
            parse_xml(body)


def test_secret_query_parameters_are_masked():
    url = "https://api.weixin.qq.com/cgi-bin/token?grant_type=client_credential&appid=wx1&secret=abc123"
    assert mask_secrets(url) == url.replace("abc123", "***")
    assert mask_secrets("/cgi-bin/message/custom/send?access_token=TOKEN_1 HTTP/1.1") == (
        "/cgi-bin/message/custom/send?access_token=*** HTTP/1.1"
    )


def test_the_app_secret_never_reaches_an_error_or_a_log(fake_api, caplog):
    caplog.set_level(logging.DEBUG)
    down = WeChatAPI(f"http://127.0.0.1:{free_port()}", APP_ID, APP_SECRET, timeout=2)
    with pytest.raises(WeChatHTTPError) as error:
        down.access_token()
    assert "/cgi-bin/token" in str(error.value) and APP_SECRET not in str(error.value)
    assert error.value.__cause__ is None and error.value.__suppress_context__

    api = WeChatAPI(fake_api.url, APP_ID, APP_SECRET)
    api.send_text("o1", "hello")
    assert any("cgi-bin/token" in record.getMessage() for record in caplog.records), "urllib3 logs requests"
    assert APP_SECRET not in caplog.text and api.access_token() not in caplog.text


def test_the_greeting_payload_carries_the_language():
    assert greet_payload("zh") == '/greet{"language": "zh"}'


@pytest.fixture()
def fake_api():
    fake = FakeWeChatAPI(expires_in=7200).start()
    yield fake
    fake.stop()


def test_the_access_token_is_cached_and_refreshed_before_it_expires(fake_api):
    now = [1000.0]
    api = WeChatAPI(fake_api.url, APP_ID, APP_SECRET, clock=lambda: now[0])
    token = api.access_token()
    api.send_text("o1", "一")
    api.send_text("o1", "二")
    assert fake_api.token_requests == 1 and api.access_token() == token
    now[0] += 7200 - 299  # within the last five minutes
    assert api.access_token() != token and fake_api.token_requests == 2
    assert [m["text"]["content"] for m in fake_api.messages] == ["一", "二"]


def test_an_expired_token_is_replaced_once_and_the_message_resent(fake_api):
    api = WeChatAPI(fake_api.url, APP_ID, APP_SECRET)
    api.send_text("o1", "first")
    fake_api.expire_tokens()
    api.send_text("o1", "second")
    assert [r["errcode"] for r in fake_api.rejected] == [42001]
    assert [m["text"]["content"] for m in fake_api.messages] == ["first", "second"]
    assert fake_api.token_requests == 2


def test_wrong_credentials_are_an_error_not_a_loop(fake_api):
    api = WeChatAPI(fake_api.url, APP_ID, "wrong secret")
    with pytest.raises(WeChatAPIError, match="40013"):
        api.send_text("o1", "hello")
    assert fake_api.messages == []


# --- the Telegram update parser, fuzzed: an update of the expected shape or BadUpdate ----------

_ANY = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)
_SCALAR = st.none() | st.booleans() | st.integers(-(2**40), 2**40) | st.text(max_size=12) | _ANY


def _maybe(**fields):
    """A dict with some of these fields (each drawn from its strategy), sometimes something else."""
    return st.one_of(st.fixed_dictionaries({}, optional=fields), _ANY)


_USER = _maybe(id=_SCALAR, is_bot=_SCALAR, first_name=_SCALAR, language_code=_SCALAR)
_CHAT = _maybe(id=_SCALAR, type=_SCALAR)
_MESSAGE = _maybe(message_id=_SCALAR, date=_SCALAR, chat=_CHAT, text=_SCALAR, photo=_ANY, **{"from": _USER})
_UPDATES = st.fixed_dictionaries(
    {},
    optional={
        "update_id": _SCALAR,
        "message": _MESSAGE,
        "edited_message": _MESSAGE,
        "channel_post": _MESSAGE,
        "callback_query": _maybe(id=_SCALAR, data=_SCALAR, message=_MESSAGE, **{"from": _USER}),
    },
)


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(_UPDATES.map(json.dumps), _ANY.map(json.dumps), st.binary(max_size=50)))
def test_any_webhook_body_is_an_update_or_refused(body):
    try:
        incoming = read_update(body)
    except BadUpdate:
        return
    assert isinstance(incoming.update_id, str)
    assert incoming.chat_id is None or (
        isinstance(incoming.chat_id, int) and not isinstance(incoming.chat_id, bool)
    )
    for text in (incoming.text, incoming.language_code, incoming.callback_data):
        assert text is None or isinstance(text, str)


def test_a_real_update_is_read():
    message = {
        "update_id": 7,
        "message": {
            "message_id": 1,
            "date": 1700000000,
            "chat": {"id": 123456789, "type": "private"},
            "from": {"id": 123456789, "is_bot": False, "first_name": "王", "language_code": "zh-hans"},
            "text": "你好",
        },
    }
    incoming = read_update(json.dumps(message).encode())
    assert (incoming.update_id, incoming.chat_id, incoming.text, incoming.language_code) == (
        "7",
        123456789,
        "你好",
        "zh-hans",
    )
    tap = {
        "update_id": 8,
        "callback_query": {
            "id": "q1",
            "data": "/affirm",
            "from": {"id": 5, "is_bot": False, "first_name": "A"},
            "message": {"message_id": 2, "date": 1, "chat": {"id": 5, "type": "private"}},
        },
    }
    incoming = read_update(json.dumps(tap))
    assert (incoming.chat_id, incoming.callback_query_id, incoming.callback_data) == (5, "q1", "/affirm")
    for bad in (b"", b"[]", b"5", b'{"message": {"chat": {"id": "x"}, "text": "hi"}}'):
        with pytest.raises(BadUpdate):
            read_update(bad)
