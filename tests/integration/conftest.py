"""A stack with the Telegram and WeChat channels switched on, pointed at local fakes of their
APIs. Its own Rasa server (the channels are chosen from the environment at start), so the
`stack` fixture of tests/conftest.py is left as it is."""

from __future__ import annotations

import pytest
import requests
from fakes import telegram_api as tg  # tests/ is on sys.path (pytest's rootdir conftest)
from fakes import wechat_api as wx

from tests.support import REST_TOKEN, TELEGRAM_SECRET, start_stack


@pytest.fixture(scope="session")
def telegram_api():
    fake = tg.FakeTelegramAPI().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="session")
def wechat_api():
    fake = wx.FakeWeChatAPI().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="session")
def channels_stack(tmp_path_factory, model_path, telegram_api, wechat_api):
    """The real action server and Rasa server with both channels configured from the
    environment (set for the start only, then restored: the children keep their copy), and
    the REST channel behind a bearer token (LAWBOT_REST_TOKEN)."""

    def channel_env(settings):
        rasa_url = f"http://127.0.0.1:{settings.rasa_port}"
        return {
            "TELEGRAM_TOKEN": tg.TOKEN,
            "TELEGRAM_VERIFY": tg.BOT_USERNAME,
            "TELEGRAM_WEBHOOK_URL": f"{rasa_url}/webhooks/telegram/webhook",
            "TELEGRAM_API_URL": telegram_api.url,
            "TELEGRAM_SECRET_TOKEN": TELEGRAM_SECRET,
            "WECHAT_TOKEN": wx.TOKEN,
            "WECHAT_APP_ID": wx.APP_ID,
            "WECHAT_APP_SECRET": wx.APP_SECRET,
            "WECHAT_ENCODING_AES_KEY": wx.ENCODING_AES_KEY,
            "WECHAT_API_URL": wechat_api.url,
            "LAWBOT_REST_TOKEN": REST_TOKEN,
        }

    running = start_stack(tmp_path_factory.mktemp("var-channels"), model_path, channel_env)
    yield running
    running.stop()


@pytest.fixture(scope="session")
def user_events(channels_stack):
    """user_events(sender_id): the user messages of a conversation as Rasa stored them
    (Rasa's HTTP API, with the stack's token)."""

    def events(sender_id: str) -> list[dict]:
        response = requests.get(
            f"{channels_stack.rasa_url}/conversations/{sender_id}/tracker",
            params={"token": channels_stack.api_token},
            timeout=10,
        )
        response.raise_for_status()
        return [e for e in response.json()["events"] if e["event"] == "user"]

    return events
