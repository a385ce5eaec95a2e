"""Telegram through the real Rasa server: Telegram's Update JSON posted to the webhook, the
bot's replies read from a local fake of the Bot API (tests/fakes/telegram_api.py)."""

from __future__ import annotations

import random

import pytest
import requests
from fakes import wait_until
from fakes.telegram_api import callback_update, message_update

from actions.topic import topic_buttons
from bot import leads
from bot.db import session_scope
from bot.language import detect_language
from scripts.simulated_user import Reply, SimulatedUser
from tests.support import TELEGRAM_SECRET

pytestmark = pytest.mark.stack


def new_chat() -> int:
    return random.randint(10**8, 10**9)


def post(stack, update: dict, secret: str | None = TELEGRAM_SECRET) -> requests.Response:
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
    return requests.post(
        f"{stack.rasa_url}/webhooks/telegram/webhook", json=update, headers=headers, timeout=60
    )


def say(stack, api, chat: int, update: dict) -> list[dict]:
    """Posts an update and returns the sendMessage calls it caused (Rasa answers Telegram's
    webhook after the turn, so they have all arrived)."""
    before = len(api.sent(chat))
    response = post(stack, update)
    assert response.status_code == 200, response.text
    return api.sent(chat)[before:]


def test_the_webhook_is_registered_with_the_secret_at_start(channels_stack, telegram_api):
    calls = wait_until(lambda: telegram_api.calls_of("setWebhook"), timeout=10)
    assert calls[-1]["url"] == f"{channels_stack.rasa_url}/webhooks/telegram/webhook"
    assert calls[-1]["secret_token"] == TELEGRAM_SECRET


@pytest.mark.parametrize(
    ("language_code", "expected"), [("en", "not legal advice"), ("zh-hans", "不构成法律意见")]
)
def test_start_greets_in_the_language_of_the_users_app(channels_stack, telegram_api, language_code, expected):
    chat = new_chat()
    sent = say(channels_stack, telegram_api, chat, message_update(chat, "/start", language_code))
    assert any(expected in m["text"] for m in sent)


@pytest.mark.parametrize(
    ("message", "language"),
    [
        ("We want to launch a paid membership website in China, do we need an ICP licence?", "en"),
        ("我们公司的服务器昨晚被黑客攻击，客户数据可能泄露了，怎么办？", "zh"),
    ],
)
def test_a_described_problem_gets_answers_in_the_users_language(
    channels_stack, telegram_api, message, language
):
    chat = new_chat()
    sent = say(channels_stack, telegram_api, chat, message_update(chat, message))
    assert sent, "no reply"
    assert all(detect_language(m["text"]) == language for m in sent)


@pytest.mark.parametrize(("language_code", "language"), [("en", "en"), ("zh-hans", "zh")])
def test_buttons_are_an_inline_keyboard_and_a_tap_is_sent_to_rasa(
    channels_stack, telegram_api, user_events, language_code, language
):
    chat = new_chat()
    say(channels_stack, telegram_api, chat, message_update(chat, "/start", language_code))
    # what the NLU makes of a message it cannot classify: the bot offers the topics as buttons
    sent = say(channels_stack, telegram_api, chat, message_update(chat, "/nlu_fallback", language_code))
    with_keyboard = [m for m in sent if "reply_markup" in m]
    assert with_keyboard, "the bot sent no buttons"
    offer = with_keyboard[-1]
    keyboard = offer["reply_markup"]["inline_keyboard"]
    buttons = [button for row in keyboard for button in row]
    expected = topic_buttons(language)
    assert [b["text"] for b in buttons] == [b["title"] for b in expected]
    assert [b["callback_data"] for b in buttons] == [b["payload"] for b in expected]
    assert len(keyboard) == len(buttons), "many buttons: one per row"
    assert detect_language(offer["text"]) == language

    tap = callback_update(
        chat, buttons[0]["callback_data"], {"text": offer["text"], "reply_markup": offer["reply_markup"]}
    )
    replies = say(channels_stack, telegram_api, chat, tap)
    answered = telegram_api.calls_of("answerCallbackQuery")
    assert tap["callback_query"]["id"] in [a["callback_query_id"] for a in answered]
    assert user_events(f"tg:{chat}")[-1]["parse_data"]["intent"]["name"] == expected[0]["payload"].lstrip("/")
    assert replies, "no reply to the tap"
    assert all(detect_language(m["text"]) == language for m in replies)


def test_a_photo_gets_a_polite_please_type(channels_stack, telegram_api):
    chat = new_chat()
    photo = [
        {"file_id": "AgACAgIAAxkBAAI", "file_unique_id": "AQAD", "width": 90, "height": 67, "file_size": 1200}
    ]
    sent = say(channels_stack, telegram_api, chat, message_update(chat, language_code="zh-hans", photo=photo))
    assert len(sent) == 1 and "文字" in sent[0]["text"]


def test_updates_without_the_secret_are_refused(channels_stack, telegram_api):
    chat = new_chat()
    assert post(channels_stack, message_update(chat, "hello"), secret=None).status_code == 403
    assert post(channels_stack, message_update(chat, "hello"), secret="guess").status_code == 403
    assert telegram_api.sent(chat) == []


def test_set_webhook_is_not_public(channels_stack, telegram_api):
    url = f"{channels_stack.rasa_url}/webhooks/telegram/set_webhook"
    before = len(telegram_api.calls_of("setWebhook"))
    assert requests.get(url, timeout=10).status_code == 403
    assert (
        requests.post(url, headers={"X-Telegram-Bot-Api-Secret-Token": "guess"}, timeout=10).status_code
        == 403
    )
    assert len(telegram_api.calls_of("setWebhook")) == before
    allowed = requests.post(url, headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}, timeout=10)
    assert allowed.status_code == 200 and len(telegram_api.calls_of("setWebhook")) == before + 1


def test_a_malformed_update_is_refused_and_a_retried_update_answered_once(
    channels_stack, telegram_api, user_events
):
    response = requests.post(
        f"{channels_stack.rasa_url}/webhooks/telegram/webhook",
        data=b"{not json",
        headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET},
        timeout=10,
    )
    assert response.status_code == 400
    chat = new_chat()
    update = message_update(chat, "hello")
    for _ in range(3):
        assert post(channels_stack, update).status_code == 200
    assert len(user_events(f"tg:{chat}")) == 1


class TelegramChat:
    """One Telegram user, for scripts/simulated_user.py: a button's payload is sent as a tap
    on the inline keyboard (a callback_query), anything else as a text message."""

    def __init__(self, stack, api, language_code: str) -> None:
        self.stack, self.api, self.language_code = stack, api, language_code
        self.chat = new_chat()
        self.sender = str(self.chat)
        self.conversation_id = f"tg:{self.chat}"
        self.keyboard: dict[str, dict] = {}  # callback_data -> the bot message carrying it
        self.transcript: list[tuple[str, str]] = []

    def say(self, message: str) -> list[Reply]:
        if message in self.keyboard:
            update = callback_update(self.chat, message, self.keyboard[message], self.language_code)
        else:
            update = message_update(self.chat, message, self.language_code)
        sent = say(self.stack, self.api, self.chat, update)
        self.transcript.append(("user", message))
        self.transcript.extend(("bot", m["text"]) for m in sent)
        replies = []
        for m in sent:
            rows = (m.get("reply_markup") or {}).get("inline_keyboard") or []
            buttons = [{"title": b["text"], "payload": b["callback_data"]} for row in rows for b in row]
            self.keyboard.update({b["payload"]: m for b in buttons})
            replies.append(Reply(m["text"], buttons))
        return replies


@pytest.mark.parametrize(
    ("code", "language", "language_code"), [("ip", "en", "en"), ("contract", "zh", "zh-hans")]
)
def test_a_complete_intake_over_telegram_saves_the_lead(
    channels_stack, telegram_api, code, language, language_code
):
    chat = TelegramChat(channels_stack, telegram_api, language_code)
    turns, reference = SimulatedUser(chat, code, language).complete_intake()
    transcript = "\n".join(f"{who}: {text}" for who, text in chat.transcript)
    assert reference, f"no lead saved after {turns} turns:\n{transcript}"
    assert telegram_api.calls_of("answerCallbackQuery"), "the buttons were tapped"
    with session_scope(f"sqlite:///{channels_stack.settings.var_dir / 'leads.db'}") as session:
        [lead] = [lead.to_dict() for lead in leads.of_conversation(session, chat.conversation_id)]
    assert lead["topic"] == code and lead["language"] == language
