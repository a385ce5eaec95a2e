"""Rasa's Telegram connector, adjusted: registered in Rasa's credentials as
`bot.rasa.channels.telegram.TelegramInput` (URL /webhooks/telegram/webhook, like the built-in one).

What differs from rasa.core.channels.telegram (3.6):
- the Bot API base URL is configurable (`api_url`, TELEGRAM_API_URL; a local Bot API server
  or the tests' fake);
- the webhook is registered after the server has started, on the server's own event loop
  (3.6 calls asyncio.run() while building the blueprint, which leaves aiogram's HTTP session
  bound to a closed loop), and only when a webhook URL is configured; a failure is logged and
  /webhooks/telegram/set_webhook retries it, for a caller that sends the secret token (it is
  not public: without a secret token configured it refuses everyone);
- the secret token (TELEGRAM_SECRET_TOKEN; required in the production profile) is given to
  setWebhook and required in the X-Telegram-Bot-Api-Secret-Token header of every update
  (compared in constant time; 403 otherwise);
- the conversation id is "tg:<chat id>" (`common.conversation_id`); replies go to the chat id;
- the update is read by `telegram_update.read_update`, which refuses (400) any body that is not
  an update of the expected shape;
- `verify` (the bot's username) is checked once with getMe, not on every update;
- buttons are an inline keyboard, one button per row when there are more than three or a
  title is long; payloads longer than Telegram's 64-byte callback_data are sent as a short
  key; a tap answers the callback query (the client stops its spinner) and is sent to Rasa
  as the payload;
- "/start" greets in the language of the user's Telegram app; photos, stickers, voice,
  locations and the like get a polite "please type"; a retried update_id is dropped;
  a message is sent whole (split only beyond Telegram's 4096 characters).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
from collections.abc import Awaitable, Callable
from typing import Any, cast

from aiogram import Bot
from aiogram.bot.api import TELEGRAM_PRODUCTION, TelegramAPIServer
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from rasa.core.channels.channel import UserMessage
from rasa.core.channels.telegram import TelegramInput as RasaTelegramInput
from rasa.core.channels.telegram import TelegramOutput as RasaTelegramOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.language import Language
from bot.rasa.channels import texts
from bot.rasa.channels.common import TELEGRAM, TTLCache, conversation_id, greet_payload, native_id
from bot.rasa.channels.telegram_update import BadUpdate, read_update
from bot.settings import load

logger = logging.getLogger(__name__)

MAX_TEXT = 4096
MAX_CALLBACK_DATA = 64
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
_LONG_PAYLOAD_PREFIX = "#p:"


def app_language(language_code: str | None) -> Language:
    return "zh" if (language_code or "").lower().startswith("zh") else "en"


class TelegramOutput(RasaTelegramOutput):  # type: ignore[misc]  # rasa is untyped
    def __init__(self, access_token: str, server: TelegramAPIServer = TELEGRAM_PRODUCTION) -> None:
        Bot.__init__(self, access_token, server=server)
        self.long_payloads = TTLCache(max_entries=10_000, ttl=7 * 24 * 3600)

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        """Rasa addresses the conversation ("tg:<chat id>"); Telegram wants the chat id."""
        await super().send_response(native_id(TELEGRAM, recipient_id), message)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        for part in texts.split_text(text.strip(), MAX_TEXT * 3):
            for start in range(0, len(part), MAX_TEXT):  # Telegram counts characters
                await self.send_message(recipient_id, part[start : start + MAX_TEXT])

    def callback_data(self, payload: str) -> str:
        if len(payload.encode("utf-8")) <= MAX_CALLBACK_DATA:
            return payload
        key = _LONG_PAYLOAD_PREFIX + hashlib.sha256(payload.encode("utf-8")).hexdigest()[:24]
        self.long_payloads.set(key, payload)
        return key

    def payload_of(self, callback_data: str) -> str | None:
        if callback_data.startswith(_LONG_PAYLOAD_PREFIX):
            payload: str | None = self.long_payloads.get(callback_data)
            return payload
        return callback_data

    async def send_text_with_buttons(
        self,
        recipient_id: str,
        text: str,
        buttons: list[dict[str, Any]],
        button_type: str | None = None,
        **kwargs: Any,
    ) -> None:
        if button_type == "reply":
            await super().send_text_with_buttons(recipient_id, text, buttons, "reply", **kwargs)
            return
        keyboard = [
            InlineKeyboardButton(
                str(b.get("title") or b.get("payload")),
                callback_data=self.callback_data(str(b.get("payload"))),
            )
            for b in buttons
        ]
        one_row = button_type == "inline" or (
            button_type is None and len(keyboard) <= 3 and all(len(b.text) <= 16 for b in keyboard)
        )
        markup = InlineKeyboardMarkup()
        if one_row:
            markup.row(*keyboard)
        else:
            for button in keyboard:
                markup.row(button)
        await self.send_message(recipient_id, text[:MAX_TEXT], reply_markup=markup)


class TelegramInput(RasaTelegramInput):  # type: ignore[misc]  # rasa is untyped
    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> TelegramInput:
        """The token and the secret may be left out of the credentials file: they are then read
        from the environment (TELEGRAM_TOKEN, TELEGRAM_SECRET_TOKEN)."""
        c = dict(credentials or {})
        token = c.get("access_token") or os.environ.get("TELEGRAM_TOKEN")
        if not token:
            cls.raise_missing_credentials_exception()
        secret_token = c.get("secret_token") or os.environ.get("TELEGRAM_SECRET_TOKEN")
        if load().production and not secret_token:
            raise ValueError("Telegram in the production profile needs TELEGRAM_SECRET_TOKEN")
        return cls(
            cast(str, token),  # not empty: raise_missing_credentials_exception raised otherwise
            c.get("verify") or os.environ.get("TELEGRAM_VERIFY"),
            c.get("webhook_url") or os.environ.get("TELEGRAM_WEBHOOK_URL"),
            api_url=c.get("api_url") or os.environ.get("TELEGRAM_API_URL"),
            secret_token=secret_token,
        )

    def __init__(
        self,
        access_token: str,
        verify: str | None,
        webhook_url: str | None,
        debug_mode: bool = False,
        api_url: str | None = None,
        secret_token: str | None = None,
    ) -> None:
        super().__init__(access_token, verify, webhook_url, debug_mode)
        self.server = TelegramAPIServer.from_base(api_url) if api_url else TELEGRAM_PRODUCTION
        self.secret_token = secret_token
        self._output: TelegramOutput | None = None
        self._verified = False
        self.seen_updates = TTLCache(max_entries=20_000, ttl=3600)

    def get_output_channel(self) -> TelegramOutput:
        """One output channel, created without network calls (Rasa's HTTP API calls this too)."""
        if self._output is None:
            self._output = TelegramOutput(self.access_token, self.server)
        return self._output

    async def set_webhook(self) -> bool:
        options: dict[str, Any] = {"url": self.webhook_url}
        if self.secret_token:
            options["secret_token"] = self.secret_token
        # aiogram 2.15 predates secret_token: call the method directly
        return bool(await self.get_output_channel().request("setWebhook", options))

    async def _verify(self) -> bool:
        if not self.verify or self._verified:
            return True
        me = await self.get_output_channel().get_me()
        self._verified = me.username == self.verify
        if not self._verified:
            logger.error("Telegram token belongs to @%s, not @%s (TELEGRAM_VERIFY)", me.username, self.verify)
        return self._verified

    def authentic(self, request: Request) -> bool:
        """Whether a request carries the secret token (always true when none is configured,
        which the production profile does not allow)."""
        if not self.secret_token:
            return True
        given = request.headers.get(SECRET_HEADER) or ""
        return hmac.compare_digest(given.encode("utf-8"), self.secret_token.encode("utf-8"))

    async def _please_type(self, chat_id: int, language_code: str | None) -> None:
        await self.get_output_channel().send_message(chat_id, texts.PLEASE_TYPE[app_language(language_code)])

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        telegram_webhook = Blueprint("telegram_webhook", __name__)
        out_channel = self.get_output_channel()

        @telegram_webhook.listener("after_server_start")  # type: ignore[untyped-decorator]  # sanic is untyped
        async def register_webhook(*_: Any) -> None:
            if not self.webhook_url:
                logger.info("TELEGRAM_WEBHOOK_URL not set: Telegram's webhook left as it is")
                return
            try:
                await self.set_webhook()
                logger.info("Telegram webhook set to %s", self.webhook_url)
            except Exception as error:  # noqa: BLE001 - the server still serves the other channels
                logger.error(
                    "Telegram webhook not set (%s); retry: .../set_webhook with the secret token", error
                )

        @telegram_webhook.listener("before_server_stop")  # type: ignore[untyped-decorator]  # sanic is untyped
        async def close_session(*_: Any) -> None:
            await out_channel.session.close()

        @telegram_webhook.route("/", methods=["GET"])  # type: ignore[untyped-decorator]  # sanic is untyped
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @telegram_webhook.route("/set_webhook", methods=["GET", "POST"])  # type: ignore[untyped-decorator]  # sanic is untyped
        async def set_webhook(request: Request) -> HTTPResponse:
            if not self.secret_token or not self.authentic(request):
                return response.text("forbidden", status=403)
            if self.webhook_url and await self.set_webhook():
                return response.text("Webhook setup successful")
            return response.text("Invalid webhook")

        @telegram_webhook.route("/webhook", methods=["POST"])  # type: ignore[untyped-decorator]  # sanic is untyped
        async def message(request: Request) -> HTTPResponse:
            if not self.authentic(request):
                return response.text("forbidden", status=403)
            try:
                incoming = read_update(request.body)
            except BadUpdate as error:
                logger.warning("Telegram update refused: %s", error)
                return response.text("bad request", status=400)
            if not self.seen_updates.add(incoming.update_id):
                return response.text("success")
            if not await self._verify():
                return response.text("failed")
            if incoming.chat_id is None:  # channel posts, polls, member updates...
                return response.text("success")
            sender_id = incoming.chat_id

            if incoming.callback_query_id is not None:
                try:
                    await out_channel.answer_callback_query(incoming.callback_query_id)
                except Exception as error:  # noqa: BLE001 - too old a query; the tap still counts
                    logger.debug("answerCallbackQuery failed: %s", error)
                text = out_channel.payload_of(incoming.callback_data or "")
            else:
                if incoming.text is None:
                    await self._please_type(sender_id, incoming.language_code)
                    return response.text("success")
                text = incoming.text
                if text.split("@")[0].split(" ")[0] == "/start":
                    text = greet_payload(app_language(incoming.language_code))
            if not text:
                return response.text("success")
            try:
                await on_new_message(
                    UserMessage(
                        text,
                        out_channel,
                        conversation_id(TELEGRAM, sender_id),
                        input_channel=self.name(),
                        metadata=self.get_metadata(request),
                    )
                )
            except Exception:  # answered 200 anyway: Telegram would resend the update forever
                logger.exception("Telegram update %s could not be handled", incoming.update_id)
            return response.text("success")

        return telegram_webhook
