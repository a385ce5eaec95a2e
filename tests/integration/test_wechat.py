"""The WeChat Official Account channel through the real Rasa server: WeChat's signed XML posted
to the webhook (tests/fakes/wechat_api.py: WeChatPlatform), the bot's replies read from a
local fake of WeChat's customer-service message API (FakeWeChatAPI)."""

from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from fakes.wechat_api import (
    ENCODING_AES_KEY,
    WeChatPlatform,
    event_xml,
    media_xml,
    new_msg_id,
    openid,
    send_signed,
    text_xml,
)

from actions.topic import topic_buttons
from bot import leads
from bot.db import session_scope
from bot.language import detect_language
from bot.rasa.channels.wechat_crypto import signature
from bot.rasa.channels.wechat_xml import parse_xml
from scripts.simulated_user import Reply, SimulatedUser

pytestmark = pytest.mark.stack

# What the NLU makes of a message it cannot classify (the bot then offers the topics as
# buttons); sent as the intent itself, as real vague messages move with the training data.
UNCLEAR = "/nlu_fallback"
NUMBERED = re.compile(r"^(\d+)\. (.+)$", re.MULTILINE)
HINT = re.compile("回复数字即可选择|Reply with a number")


@pytest.fixture(scope="module")
def platform(channels_stack):
    return WeChatPlatform(
        f"{channels_stack.rasa_url}/webhooks/wechat/webhook", encoding_aes_key=ENCODING_AES_KEY
    )


def send(platform, wechat_api, user: str, xml: str) -> list[str]:
    """Posts a message, checks WeChat got its answer at once, and returns the replies that
    then arrive through the customer-service API."""
    before = len(wechat_api.texts(user))
    started = time.monotonic()
    response = platform.post(xml, user=user)  # encrypted: the account is in safe mode
    assert response.status_code == 200, response.text
    assert response.text == "success"
    assert time.monotonic() - started < 2, "WeChat must be answered within 5 s, before Rasa has replied"
    wechat_api.wait_texts(user, before + 1)
    return wechat_api.wait_quiet(user)[before:]


def options(replies: list[str]) -> dict[int, str]:
    """The numbered options of the last reply that has them."""
    for reply in reversed(replies):
        found = {int(n): title.strip() for n, title in NUMBERED.findall(reply)}
        if found:
            return found
    return {}


def test_the_server_verification_echoes_echostr(platform):
    response = platform.verify("8403112519243791623")
    assert response.status_code == 200 and response.text == "8403112519243791623"
    assert platform.verify("1", token="not-the-token").status_code == 403
    assert platform.verify("1", timestamp=int(time.time()) - 3600).status_code == 403


def test_a_conversation_greeting_topic_and_a_button_answered_by_its_number(platform, wechat_api, user_events):
    user = openid()
    greeting = send(platform, wechat_api, user, event_xml(user, "subscribe"))
    assert any("不构成法律意见" in reply for reply in greeting), greeting

    replies = send(
        platform,
        wechat_api,
        user,
        text_xml(user, "我们公司的服务器昨晚被黑客攻击，客户数据可能泄露了，怎么办？"),
    )
    assert all(detect_language(reply) == "zh" for reply in replies), replies

    user = openid()  # a fresh conversation for the buttons, whatever the intake asks next
    send(platform, wechat_api, user, event_xml(user, "subscribe"))
    replies = send(platform, wechat_api, user, text_xml(user, UNCLEAR))
    numbered = options(replies)
    expected = topic_buttons("zh")
    assert numbered == {i: b["title"] for i, b in enumerate(expected, 1)}
    assert "回复数字即可选择" in replies[-1]

    send_number = send(platform, wechat_api, user, text_xml(user, "1"))
    chosen = user_events(f"wx:{user}")[-1]
    assert chosen["text"] == expected[0]["payload"]
    assert chosen["parse_data"]["intent"]["name"] == expected[0]["payload"].lstrip("/")
    assert chosen["metadata"]["typed"] == "1"
    assert all(detect_language(reply) == "zh" for reply in send_number)


def test_an_english_user_gets_english_and_numbered_options(platform, wechat_api, user_events):
    user = openid()
    send(platform, wechat_api, user, text_xml(user, "Hello"))
    replies = send(platform, wechat_api, user, text_xml(user, UNCLEAR))
    assert options(replies) == {i: b["title"] for i, b in enumerate(topic_buttons("en"), 1)}
    assert "Reply with a number" in replies[-1]
    send(platform, wechat_api, user, text_xml(user, "２"))  # a full-width digit, as Chinese keyboards type
    assert user_events(f"wx:{user}")[-1]["parse_data"]["intent"]["name"] == "topic_personal_info"


def test_the_same_msgid_three_times_is_one_turn(platform, wechat_api, user_events):
    user = openid()
    xml = text_xml(user, "你好", msg_id=new_msg_id())
    with ThreadPoolExecutor(3) as pool:  # WeChat's retries: the same message, again and again
        responses = list(pool.map(lambda _: platform.post(xml, user=user), range(3)))
    assert [r.status_code for r in responses] == [200, 200, 200]
    assert all(r.text == "success" for r in responses)
    wechat_api.wait_texts(user, 1)
    replies = wechat_api.wait_quiet(user)
    assert len([e for e in user_events(f"wx:{user}") if e["text"] == "你好"]) == 1
    assert len([r for r in replies if "不构成法律意见" in r]) == 1


def test_requests_with_a_bad_signature_or_stale_timestamp_are_refused(platform, wechat_api):
    user = openid()
    assert platform.post(text_xml(user, "你好"), token="forged", user=user).status_code == 403
    assert (
        platform.post(text_xml(user, "你好"), timestamp=int(time.time()) - 600, user=user).status_code == 403
    )
    unsigned = requests.post(platform.webhook_url, data=text_xml(user, "你好").encode(), timeout=10)
    assert unsigned.status_code == 403
    time.sleep(1)
    assert wechat_api.texts(user) == []


@pytest.mark.parametrize(
    "body",
    [
        b"<xml><ToUserName>gh</ToUserName><FromUserName>",
        b"not xml at all",
        b"",
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><xml><Content>&a;</Content></xml>',
        b"<xml><MsgType>text</MsgType></xml>",
    ],
)
def test_a_malformed_body_is_refused_and_the_server_carries_on(platform, wechat_api, body):
    assert platform.post(body).status_code == 400
    user = openid()
    assert any("不构成法律意见" in r for r in send(platform, wechat_api, user, text_xml(user, "你好")))


def test_an_oversize_body_is_refused(platform):
    user = openid()
    assert platform.post(text_xml(user, "很长" * 40_000), user=user).status_code == 413


def test_an_expired_access_token_is_replaced_and_the_message_resent(platform, wechat_api):
    user = openid()
    send(platform, wechat_api, user, text_xml(user, "你好"))
    fetched, rejected = wechat_api.token_requests, len(wechat_api.rejected)
    wechat_api.expire_tokens()
    replies = send(platform, wechat_api, user, text_xml(user, "你好"))
    assert any("不构成法律意见" in r for r in replies)
    assert [r["errcode"] for r in wechat_api.rejected[rejected:]] == [42001]
    assert wechat_api.token_requests == fetched + 1


def test_non_text_messages_get_a_please_type_in_the_users_language(platform, wechat_api):
    user = openid()
    for kind in ("image", "voice", "location", "video"):
        response = platform.post(media_xml(user, kind), user=user)
        assert response.status_code == 200
        reply = platform.reply_fields(response)
        assert reply["MsgType"] == "text" and reply["ToUserName"] == user
        assert detect_language(reply["Content"]) == "zh" and "文字" in reply["Content"]
    send(platform, wechat_api, user, text_xml(user, "Hello there"))
    reply = platform.reply_fields(platform.post(media_xml(user, "image"), user=user))
    assert detect_language(reply["Content"]) == "en" and "type" in reply["Content"]


def test_safe_mode_round_trip(platform, wechat_api):
    user = openid()
    replies = send(platform, wechat_api, user, text_xml(user, "你好"))
    assert any("不构成法律意见" in r for r in replies)

    response = platform.post(media_xml(user, "image"), user=user)
    envelope = parse_xml(response.content)
    assert envelope["MsgSignature"] == signature(
        platform.token, envelope["TimeStamp"], envelope["Nonce"], envelope["Encrypt"]
    )
    reply = parse_xml(platform.crypto.decrypt(envelope["Encrypt"]))
    assert reply["ToUserName"] == user and "文字" in reply["Content"]


def test_safe_mode_refuses_a_forged_msg_signature(platform):
    user = openid()
    url = platform.signed_url(encrypt_type="aes", msg_signature="0" * 40)
    body = f"<xml><Encrypt><![CDATA[{platform.crypto.encrypt(text_xml(user, '你好'))}]]></Encrypt></xml>"
    assert requests.post(url, data=body.encode(), timeout=10).status_code == 403


def test_with_an_encoding_aes_key_plaintext_messages_are_refused(platform, wechat_api, user_events):
    user = openid()
    response = platform.post(text_xml(user, "你好"), encrypted=False, user=user)
    assert response.status_code == 403
    time.sleep(1)
    assert wechat_api.texts(user) == [] and user_events(f"wx:{user}") == []


def test_a_replayed_signed_url_is_refused_whatever_its_body(platform, wechat_api, user_events):
    user, other = openid(), openid()
    url, body = platform.signed_post(text_xml(user, "你好"), user=user)
    assert send_signed(url, body).status_code == 200
    wechat_api.wait_texts(user, 1)
    # the same URL again: with the same body (a replay) and with another user's message
    assert send_signed(url, body).status_code == 403
    _, forged = platform.signed_post(text_xml(other, "删除我的数据"), user=other)
    assert send_signed(url, forged).status_code == 403
    time.sleep(1)
    assert [e["text"] for e in user_events(f"wx:{user}")] == ["你好"]
    assert user_events(f"wx:{other}") == []


class WeChatChat:
    """One WeChat user, for scripts/simulated_user.py: reads the numbered options as buttons
    (their "payload" is the number the user types)."""

    def __init__(self, platform, wechat_api) -> None:
        self.platform, self.wechat_api = platform, wechat_api
        self.sender = openid()
        self.conversation_id = f"wx:{self.sender}"
        self.transcript: list[tuple[str, str]] = []

    def say(self, message: str) -> list[Reply]:
        replies = send(self.platform, self.wechat_api, self.sender, text_xml(self.sender, message))
        self.transcript.append(("user", message))
        self.transcript.extend(("bot", text) for text in replies)
        return [
            Reply(
                text,
                [{"title": t, "payload": n} for n, t in NUMBERED.findall(text)] if HINT.search(text) else [],
            )
            for text in replies
        ]


@pytest.mark.parametrize(("code", "language"), [("data_breach", "zh"), ("icp", "en")])
def test_a_complete_intake_over_wechat_saves_the_lead(channels_stack, platform, wechat_api, code, language):
    chat = WeChatChat(platform, wechat_api)
    turns, reference = SimulatedUser(chat, code, language).complete_intake()
    transcript = "\n".join(f"{who}: {text}" for who, text in chat.transcript)
    assert reference, f"no lead saved after {turns} turns:\n{transcript}"
    with session_scope(f"sqlite:///{channels_stack.settings.var_dir / 'leads.db'}") as session:
        [lead] = [lead.to_dict() for lead in leads.of_conversation(session, chat.conversation_id)]
    assert lead["topic"] == code and lead["language"] == language
    assert lead["contact"]["phone"] == "+8613812345678"
