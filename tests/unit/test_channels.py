"""The channels' pieces that need no Rasa server: credentials from the environment, buttons
as numbered text, the TTL cache, WeChat XML, and the WeChat API client against the fake API."""

from __future__ import annotations

import pytest
from fakes.wechat_api import APP_ID, APP_SECRET, FakeWeChatAPI

from bot.rasa.channels import TELEGRAM, WECHAT, credentials, texts
from bot.rasa.channels.common import TTLCache, greet_payload
from bot.rasa.channels.wechat_api import WeChatAPI, WeChatAPIError
from bot.rasa.channels.wechat_xml import BadRequest, parse_xml, text_reply_xml
from bot.settings import load

BUTTONS = [{"title": "是", "payload": "/affirm"}, {"title": "否", "payload": "/deny"}]
TELEGRAM_ENV = {"TELEGRAM_TOKEN": "1:x", "TELEGRAM_VERIFY": "bot", "TELEGRAM_API_URL": "http://fake"}
WECHAT_ENV = {
    "WECHAT_TOKEN": "t",
    "WECHAT_APP_ID": "wx1",
    "WECHAT_APP_SECRET": "s",
    "WECHAT_ENCODING_AES_KEY": "k",
}


def test_telegram_and_wechat_are_not_opened_without_configuration():
    channels = credentials(load(), {})
    assert "rest" in channels and TELEGRAM not in channels and WECHAT not in channels


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
