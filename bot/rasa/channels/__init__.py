"""The input channels the Rasa server opens. `credentials()` renders Rasa's credentials file
from the environment, so a channel whose secrets are not configured is simply not opened.

Secrets (TELEGRAM_TOKEN, TELEGRAM_SECRET_TOKEN, WECHAT_TOKEN, WECHAT_APP_SECRET,
WECHAT_ENCODING_AES_KEY, LAWBOT_REST_TOKEN) are not written to the file: the channel classes
read them from the environment, which the Rasa server inherits from the supervisor.

Every channel names its conversations with its own prefix (`web:`, `tg:`, `wx:`, `rest:`,
see `common.conversation_id`), so no channel's user can reach another channel's conversation.
In the production profile REST opens only with LAWBOT_REST_TOKEN, and Telegram only with
TELEGRAM_SECRET_TOKEN."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from bot.rasa.channels.common import WECHAT_API_URL
from bot.settings import Settings

REST = "bot.rasa.channels.rest.RestInput"
TELEGRAM = "bot.rasa.channels.telegram.TelegramInput"
WECHAT = "bot.rasa.channels.wechat.WeChatInput"
WEBSITE = "bot.rasa.channels.website.WebsiteInput"


def _present(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value}


class ChannelConfigurationError(ValueError):
    """A channel configured in a way the profile does not allow."""


def telegram_credentials(env: Mapping[str, str], production: bool = False) -> dict[str, Any] | None:
    """Telegram when TELEGRAM_TOKEN is set; TELEGRAM_VERIFY (the bot's username, checked
    against getMe), TELEGRAM_WEBHOOK_URL (registered at start) and TELEGRAM_API_URL
    (another Bot API server) are optional, TELEGRAM_SECRET_TOKEN too except in production."""
    if not env.get("TELEGRAM_TOKEN"):
        return None
    if production and not env.get("TELEGRAM_SECRET_TOKEN"):
        raise ChannelConfigurationError("Telegram in the production profile needs TELEGRAM_SECRET_TOKEN")
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
    """Rasa's credentials: socket.io always; REST except in production without a token;
    Telegram and WeChat when configured."""
    env = os.environ if env is None else env
    channels: dict[str, Any] = {}
    if not settings.production or settings.rest_token:
        channels[REST] = None  # the token is read from the settings, not written here
    channels[WEBSITE] = {  # Rasa's socket.io channel, signed sessions: bot/rasa/channels/website.py
        "user_message_evt": "user_uttered",
        "bot_message_evt": "bot_uttered",
        "session_persistence": True,
    }
    telegram = telegram_credentials(env, settings.production)
    for key, config in ((TELEGRAM, telegram), (WECHAT, wechat_credentials(env))):
        if config is not None:
            channels[key] = config
    return channels
