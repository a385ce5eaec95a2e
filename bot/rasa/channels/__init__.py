"""The input channels the Rasa server opens. `credentials()` renders Rasa's credentials file
from the environment, so a channel whose secrets are not configured is simply not opened.

Secrets (TELEGRAM_TOKEN, TELEGRAM_SECRET_TOKEN, WECHAT_TOKEN, WECHAT_APP_SECRET,
WECHAT_ENCODING_AES_KEY) are not written to the file: the channel classes read them from the
environment, which the Rasa server inherits from the supervisor."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from bot.rasa.channels.common import WECHAT_API_URL
from bot.settings import Settings

TELEGRAM = "bot.rasa.channels.telegram.TelegramInput"
WECHAT = "bot.rasa.channels.wechat.WeChatInput"
WEBSITE = "bot.rasa.channels.website.WebsiteInput"


def _present(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value}


def telegram_credentials(env: Mapping[str, str]) -> dict[str, Any] | None:
    """Telegram when TELEGRAM_TOKEN is set; TELEGRAM_VERIFY (the bot's username, checked
    against getMe), TELEGRAM_WEBHOOK_URL (registered at start) and TELEGRAM_API_URL
    (another Bot API server) are optional."""
    if not env.get("TELEGRAM_TOKEN"):
        return None
    return _present(
        {
            "verify": env.get("TELEGRAM_VERIFY"),
            "webhook_url": env.get("TELEGRAM_WEBHOOK_URL"),
            "api_url": env.get("TELEGRAM_API_URL"),
        }
    )


def wechat_credentials(env: Mapping[str, str]) -> dict[str, Any] | None:
    """The WeChat Official Account when WECHAT_TOKEN, WECHAT_APP_ID and WECHAT_APP_SECRET are
    set; WECHAT_ENCODING_AES_KEY switches on safe mode, WECHAT_API_URL points elsewhere."""
    if not all(env.get(name) for name in ("WECHAT_TOKEN", "WECHAT_APP_ID", "WECHAT_APP_SECRET")):
        return None
    return {"app_id": env["WECHAT_APP_ID"], "api_url": env.get("WECHAT_API_URL") or WECHAT_API_URL}


def credentials(settings: Settings, env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Rasa's credentials: REST and socket.io always; Telegram and WeChat when configured."""
    env = os.environ if env is None else env
    channels: dict[str, Any] = {
        "rest": None,
        WEBSITE: {  # Rasa's socket.io channel, fixed: see bot/rasa/channels/website.py
            "user_message_evt": "user_uttered",
            "bot_message_evt": "bot_uttered",
            "session_persistence": True,
        },
    }
    for key, config in ((TELEGRAM, telegram_credentials(env)), (WECHAT, wechat_credentials(env))):
        if config is not None:
            channels[key] = config
    return channels
