"""Who is who: a conversation is reached only through its own channel, and on the website only
by the browser that holds its signed session id. A second conversation cannot read ("what do
you have about me") or erase ("delete my data") the first one through REST, the website's
socket.io, Telegram or WeChat: everything runs through the real Rasa and action servers
(`channels_stack`: Telegram and WeChat pointed at local fakes of their APIs, REST behind a
bearer token)."""

from __future__ import annotations

import queue
import time

import pytest
import requests
import socketio
from fakes import wait_until
from fakes.wechat_api import ENCODING_AES_KEY, WeChatPlatform, text_xml

from bot import leads
from bot.db import session_scope
from scripts.simulated_user import SimulatedUser
from tests.integration.test_telegram import TelegramChat
from tests.integration.test_wechat import WeChatChat, send
from tests.support import REST_TOKEN

pytestmark = pytest.mark.stack

MY_DATA, NOTHING = "我的信息", "没有保存"
ERASE, CONFIRM, ERASED = "删除我的数据", "确定", "已删除"
PROBLEM = "昨晚公司服务器被黑了，客户数据可能泄露了"


def rest(stack, sender, message: str, token: str | None = REST_TOKEN) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return requests.post(
        f"{stack.rasa_url}/webhooks/rest/webhook",
        json={"sender": sender, "message": message},
        headers=headers,
        timeout=60,
    )


def rest_texts(stack, sender, message: str) -> str:
    response = rest(stack, sender, message)
    assert response.status_code == 200, response.text
    return "\n".join(r.get("text") or "" for r in response.json())


def leads_of(stack, conversation: str) -> list[dict]:
    with session_scope(f"sqlite:///{stack.settings.var_dir / 'leads.db'}") as session:
        return [lead.to_dict() for lead in leads.of_conversation(session, conversation)]


def try_to_read_and_erase_over_rest(stack, senders: list[str]) -> None:
    """What a REST client can do with another channel's ids: it only ever talks to itself."""
    for sender in senders:
        assert NOTHING in rest_texts(stack, sender, MY_DATA)
        assert "无法恢复" in rest_texts(stack, sender, ERASE)
        assert ERASED in rest_texts(stack, sender, CONFIRM)


# --- REST ----------------------------------------------------------------------------------------


def test_rest_with_a_token_wants_it_as_a_bearer_token(channels_stack, user_events):
    for token in (None, "", "wrong-token"):
        response = rest(channels_stack, "token-check", "你好", token=token)
        assert response.status_code == 401
    basic = requests.post(
        f"{channels_stack.rasa_url}/webhooks/rest/webhook",
        json={"sender": "token-check", "message": "你好"},
        headers={"Authorization": f"Basic {REST_TOKEN}"},
        timeout=10,
    )
    assert basic.status_code == 401
    assert user_events("rest:token-check") == []
    assert rest(channels_stack, "token-check", "你好").status_code == 200
    assert [e["text"] for e in user_events("rest:token-check")] == ["你好"]


# --- Telegram and WeChat against REST ---------------------------------------------------------


def test_rest_cannot_read_or_erase_a_telegram_users_data(channels_stack, telegram_api):
    chat = TelegramChat(channels_stack, telegram_api, "zh-hans")
    _, reference = SimulatedUser(chat, "contract", "zh").complete_intake()
    assert reference and len(leads_of(channels_stack, chat.conversation_id)) == 1

    try_to_read_and_erase_over_rest(channels_stack, [chat.sender, chat.conversation_id])

    assert len(leads_of(channels_stack, chat.conversation_id)) == 1, "REST erased a Telegram lead"
    own = "\n".join(r.text for r in chat.say(MY_DATA))
    assert reference in own, "the Telegram user still sees their request"


def test_rest_cannot_read_or_erase_a_wechat_users_data(channels_stack, wechat_api):
    platform = WeChatPlatform(
        f"{channels_stack.rasa_url}/webhooks/wechat/webhook", encoding_aes_key=ENCODING_AES_KEY
    )
    chat = WeChatChat(platform, wechat_api)
    _, reference = SimulatedUser(chat, "icp", "zh").complete_intake()
    assert reference and len(leads_of(channels_stack, chat.conversation_id)) == 1

    try_to_read_and_erase_over_rest(channels_stack, [chat.sender, chat.conversation_id])

    assert len(leads_of(channels_stack, chat.conversation_id)) == 1, "REST erased a WeChat lead"
    own = "\n".join(send(platform, wechat_api, chat.sender, text_xml(chat.sender, MY_DATA)))
    assert reference in own, "the WeChat user still sees their request"


# --- the website's socket.io -------------------------------------------------------------------


class Browser:
    """One browser tab of the widget, as the widget talks (python-socketio's client)."""

    def __init__(self, stack) -> None:
        self.sessions: queue.Queue[str] = queue.Queue()
        self.replies: list[dict] = []
        self.sio = socketio.Client(reconnection=False)
        self.sio.on("session_confirm", self.sessions.put)
        self.sio.on("bot_uttered", self.replies.append)
        self.sio.connect(stack.rasa_url, socketio_path="socket.io", transports=["polling"], wait_timeout=10)

    def join(self, session_id: str | None = None) -> str:
        self.sio.emit("session_request", {"session_id": session_id})
        return self.sessions.get(timeout=10)

    def say(self, text: str, session_id: str | None) -> list[dict]:
        """Sends a message and returns the replies once they stop coming."""
        before = len(self.replies)
        self.sio.emit("user_uttered", {"message": text, "session_id": session_id})
        wait_until(lambda: len(self.replies) > before, timeout=60)
        count, since = len(self.replies), time.monotonic()
        while time.monotonic() - since < 1.0:
            time.sleep(0.1)
            if len(self.replies) != count:
                count, since = len(self.replies), time.monotonic()
        return self.replies[before:]

    def close(self) -> None:
        self.sio.disconnect()


def conversation_of(signed: str) -> str:
    return "web:" + signed.split(".", 1)[0]


@pytest.fixture
def browsers(channels_stack):
    opened: list[Browser] = []

    def open_browser() -> Browser:
        opened.append(Browser(channels_stack))
        return opened[-1]

    yield open_browser
    for browser in opened:
        browser.close()


def text_of(replies: list[dict]) -> str:
    return "\n".join(r.get("text") or "" for r in replies)


def test_a_website_conversation_is_only_reached_with_its_signed_session(
    channels_stack, browsers, user_events
):
    victim = browsers()
    signed = victim.join()
    conversation = conversation_of(signed)
    victim.say(PROBLEM, signed)
    assert [e["text"] for e in user_events(conversation)] == [PROBLEM]
    assert "我掌握的关于您的信息" in text_of(victim.say(MY_DATA, signed))

    attacker = browsers()
    own = attacker.join()
    # 1. the victim's session id without its signature (as a log or a shoulder would show it)
    #    and a forged signature: a fresh session, not the victim's
    for guess in (signed.split(".", 1)[0], signed.split(".", 1)[0] + "." + "0" * 64):
        fresh = attacker.join(guess)
        assert conversation_of(fresh) != conversation
    # 2. a message naming the victim's session on the attacker's socket: dropped
    attacker.sio.emit("user_uttered", {"message": ERASE, "session_id": signed.split(".", 1)[0]})
    # 3. a socket that never joined a session: dropped
    stranger = browsers()
    stranger.sio.emit("user_uttered", {"message": ERASE, "session_id": signed})
    time.sleep(2)
    assert stranger.replies == [] and attacker.replies == []
    # 4. the attacker's own conversation knows nothing of the victim and erases only itself
    assert NOTHING in text_of(attacker.say(MY_DATA, fresh))
    attacker.say(ERASE, fresh)
    assert ERASED in text_of(attacker.say(CONFIRM, fresh))
    # 5. REST naming the website conversation talks to "rest:web:...", not to it
    try_to_read_and_erase_over_rest(channels_stack, [conversation, signed])

    texts = [e["text"] for e in user_events(conversation)]
    assert texts == [PROBLEM, MY_DATA], texts
    assert own != signed

    # the same browser's other tab, holding the signed id, is in the same conversation
    tab = browsers()
    assert tab.join(signed) == signed
    replies = tab.say(MY_DATA, signed)
    assert replies and victim.replies[-len(replies) :] == replies, "both tabs get the replies"
    assert [e["text"] for e in user_events(conversation)] == [PROBLEM, MY_DATA, MY_DATA]
