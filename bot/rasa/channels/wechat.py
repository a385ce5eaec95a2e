"""A WeChat Official Account (微信公众号) input channel for Rasa.

Longer than 300 lines: the input channel and its output channel belong together, as in Rasa's
own channels; the message format (wechat_xml), encryption (wechat_crypto) and the server API
(wechat_api) are apart.

Registered in Rasa's credentials as `bot.rasa.channels.wechat.WeChatInput`; WeChat's server calls
`/webhooks/wechat/webhook`:

- GET: server verification. `signature` is the SHA-1 of the sorted token, `timestamp` and
  `nonce`; the answer is `echostr`.
- POST: a message or event as XML: plaintext without an EncodingAESKey; with one, only
  encrypted ("safe mode", `encrypt_type=aes`; compatible mode, where both arrive, works too,
  and the encrypted copy is the one read), plaintext bodies are refused (403). The signature
  is checked on every request (403), timestamps older than five minutes are refused (403), a
  signed URL is accepted once (its nonce is remembered for as long as its timestamp is
  accepted; a replay gets 403), malformed bodies get 400 and oversize ones 413.

WeChat waits five seconds for an answer and otherwise retries, three times. So the request is
answered at once (`success`), duplicates are dropped by `MsgId` (events by sender, time and
event), and the message is handled in the background; the bot's replies go out through the
customer-service message API (see wechat_api.py), in a worker thread, joined into one message
per turn where the size limit allows. Replies the channel can
give by itself (a polite "please type" for pictures, voice without recognition, locations,
videos, links) go back directly as the passive reply, encrypted in safe mode.

WeChat has no buttons: they become numbered lines, and a reply that is just one of those
numbers (or a button's title) is sent to Rasa as that button's payload. Users are identified
by their OpenID: the conversation id is "wx:<OpenID>" (`common.conversation_id`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, cast

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.language import Language, detect_language
from bot.rasa.channels import texts
from bot.rasa.channels.common import (
    WECHAT,
    WECHAT_API_URL,
    TTLCache,
    conversation_id,
    greet_payload,
    native_id,
)
from bot.rasa.channels.wechat_api import TEXT_MAX_BYTES, WeChatAPI
from bot.rasa.channels.wechat_crypto import WeChatCrypto, WeChatCryptoError, signature, signature_matches
from bot.rasa.channels.wechat_xml import BadRequest, encrypted_reply_xml, parse_xml, text_reply_xml

logger = logging.getLogger(__name__)

MAX_AGE_SECONDS = 300
MAX_BODY_BYTES = 64 * 1024
DEFAULT_LANGUAGE: Language = "zh"
# message types the bot cannot read; voice is read when WeChat's speech recognition is on
NON_TEXT = {"image", "voice", "video", "shortvideo", "location", "link", "file"}


class WeChatOutput(OutputChannel):  # type: ignore[misc]  # rasa is untyped
    """Sends the bot's messages as customer-service messages. In a user's turn (`buffered`),
    the turn's texts are joined into as few messages as the size limit allows and sent at the
    end (WeChat caps the customer-service messages per user message), and the turn's buttons
    are remembered so that the user can answer with their number."""

    @classmethod
    def name(cls) -> str:
        return "wechat"

    def __init__(self, api: WeChatAPI, buffered: bool = False) -> None:
        self.api = api
        self.buffered = buffered
        self.buttons: list[dict[str, Any]] | None = None
        self._pending: dict[str, list[str]] = {}

    async def _send(self, message: dict[str, Any]) -> None:
        try:
            await asyncio.to_thread(self.api.send, message)
        except Exception:  # one lost reply must not abort the turn; the log says why
            logger.exception("could not send a WeChat message to %s", message.get("touser"))

    async def _send_text(self, recipient_id: str, text: str) -> None:
        if self.buffered:
            self._pending.setdefault(recipient_id, []).append(text)
            return
        for part in texts.split_text(text, TEXT_MAX_BYTES):
            await self._send({"touser": recipient_id, "msgtype": "text", "text": {"content": part}})

    async def flush(self) -> None:
        """Sends the turn's texts: together, in order, split only at the size limit."""
        pending, self._pending = self._pending, {}
        for recipient_id, parts in pending.items():
            for part in texts.split_text("\n\n".join(parts), TEXT_MAX_BYTES):
                await self._send({"touser": recipient_id, "msgtype": "text", "text": {"content": part}})

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        """Rasa addresses the conversation ("wx:<OpenID>"); WeChat wants the OpenID."""
        await super().send_response(native_id(WECHAT, recipient_id), message)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self._send_text(recipient_id, text)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        self.buttons = list(buttons)
        await self._send_text(recipient_id, texts.numbered_options(text, buttons, DEFAULT_LANGUAGE))

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self._send_text(recipient_id, image)

    async def send_attachment(self, recipient_id: str, attachment: str, **kwargs: Any) -> None:
        await self._send_text(recipient_id, str(attachment))

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        """A response's `custom:` block in WeChat's own format (e.g. msgtype news) is sent as is."""
        if "msgtype" in json_message:
            await self.flush()  # keeps the order of the turn's messages
            await self._send({"touser": recipient_id, **json_message})
        else:  # e.g. {"erased": true}, meant for the website widget
            logger.debug("custom message without msgtype not sent to WeChat: %s", sorted(json_message))


class WeChatInput(InputChannel):  # type: ignore[misc]  # rasa is untyped
    @classmethod
    def name(cls) -> str:
        return "wechat"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> WeChatInput:
        """Secrets may be left out of the credentials file: they are then read from the
        environment (WECHAT_TOKEN, WECHAT_APP_SECRET, WECHAT_ENCODING_AES_KEY)."""
        c = dict(credentials or {})

        def value(key: str, env: str) -> str | None:
            return c.get(key) or os.environ.get(env)

        token = value("token", "WECHAT_TOKEN")
        app_id = value("app_id", "WECHAT_APP_ID")
        app_secret = value("app_secret", "WECHAT_APP_SECRET")
        if not (token and app_id and app_secret):
            cls.raise_missing_credentials_exception()
        # not empty: raise_missing_credentials_exception raised otherwise
        return cls(
            token=cast(str, token),
            app_id=cast(str, app_id),
            app_secret=cast(str, app_secret),
            encoding_aes_key=value("encoding_aes_key", "WECHAT_ENCODING_AES_KEY"),
            api_url=value("api_url", "WECHAT_API_URL") or WECHAT_API_URL,
            max_age=int(c.get("max_age_seconds") or MAX_AGE_SECONDS),
            max_body_bytes=int(c.get("max_body_bytes") or MAX_BODY_BYTES),
        )

    def __init__(
        self,
        token: str,
        app_id: str,
        app_secret: str,
        encoding_aes_key: str | None = None,
        api_url: str = WECHAT_API_URL,
        max_age: int = MAX_AGE_SECONDS,
        max_body_bytes: int = MAX_BODY_BYTES,
    ) -> None:
        self.token = token
        self.app_id = app_id
        self.crypto = WeChatCrypto(encoding_aes_key, app_id) if encoding_aes_key else None
        self.api = WeChatAPI(api_url, app_id, app_secret)
        self.max_age = max_age
        self.max_body_bytes = max_body_bytes
        self.seen = TTLCache(max_entries=20_000, ttl=600)  # WeChat retries within ~15 s
        # signed URLs already used: a timestamp is accepted max_age either way, so 2 * max_age
        self.nonces = TTLCache(max_entries=200_000, ttl=2 * max_age)
        self.last_buttons = TTLCache(max_entries=50_000, ttl=24 * 3600)
        self.languages = TTLCache(max_entries=50_000, ttl=30 * 24 * 3600)
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def get_output_channel(self) -> WeChatOutput:
        """For Rasa's HTTP API (e.g. trigger_intent with output_channel=wechat)."""
        return WeChatOutput(self.api)

    # --- checks -----------------------------------------------------------------------------

    def _authentic(self, request: Request) -> bool:
        args = request.args
        timestamp, nonce = args.get("timestamp", ""), args.get("nonce", "")
        try:
            age = abs(time.time() - int(timestamp))
        except ValueError:
            return False
        if age > self.max_age:
            logger.warning("WeChat request refused: timestamp %s is stale", timestamp)
            return False
        return signature_matches(signature(self.token, timestamp, nonce), args.get("signature"))

    def _first_use(self, request: Request) -> bool:
        """Whether this signed URL is used for the first time (remembers it)."""
        args = request.args
        return self.nonces.add("{}:{}".format(args.get("timestamp", ""), args.get("nonce", "")))

    def _message(self, request: Request) -> tuple[dict[str, str], bool]:
        """The message fields and whether it came encrypted."""
        fields = parse_xml(request.body)
        if request.args.get("encrypt_type", "raw") != "aes":
            if self.crypto is not None:
                raise PermissionError("plaintext message, but safe mode is on (EncodingAESKey set)")
            if "Encrypt" in fields and "MsgType" not in fields:
                raise BadRequest("encrypted message without encrypt_type=aes")
            return fields, False
        if self.crypto is None:
            raise BadRequest("encrypted message, but no EncodingAESKey is configured")
        encrypted = fields.get("Encrypt")
        if not encrypted:
            raise BadRequest("encrypt_type=aes without <Encrypt>")
        args = request.args
        expected = signature(self.token, args.get("timestamp", ""), args.get("nonce", ""), encrypted)
        if not signature_matches(expected, args.get("msg_signature")):
            raise PermissionError("bad msg_signature")
        try:
            return parse_xml(self.crypto.decrypt(encrypted)), True
        except WeChatCryptoError as error:
            raise BadRequest(f"cannot decrypt: {error}") from error

    @staticmethod
    def _dedup_key(fields: dict[str, str]) -> str:
        if fields.get("MsgId"):
            return "msg:" + fields["MsgId"]
        return "evt:{}:{}:{}:{}".format(
            fields.get("FromUserName"), fields.get("CreateTime"), fields.get("Event"), fields.get("EventKey")
        )

    def language(self, user: str) -> Language:
        language: Language = self.languages.get(user, DEFAULT_LANGUAGE)
        return language

    # --- handling ---------------------------------------------------------------------------

    def _reply(self, fields: dict[str, str], encrypted: bool, content: str) -> HTTPResponse:
        xml = text_reply_xml(fields.get("FromUserName", ""), fields.get("ToUserName", ""), content)
        if encrypted and self.crypto is not None:
            xml = encrypted_reply_xml(self.crypto, self.token, xml)
        return response.text(xml, content_type="application/xml; charset=utf-8")

    def _background(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _turn(
        self,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        user: str,
        text: str,
        metadata: dict[str, Any],
    ) -> None:
        """One user message through Rasa, in order per user; remembers the turn's buttons."""
        lock, waiting = self._locks.get(user, (asyncio.Lock(), 0))
        self._locks[user] = (lock, waiting + 1)
        try:
            async with lock:
                buttons = self.last_buttons.get(user)
                payload = texts.chosen_payload(text, buttons)
                if payload is not None:
                    metadata = {**metadata, "typed": text}
                    text = payload
                output = WeChatOutput(self.api, buffered=True)
                try:
                    await on_new_message(
                        UserMessage(
                            text,
                            output,
                            conversation_id(WECHAT, user),
                            input_channel=self.name(),
                            metadata=metadata,
                        )
                    )
                except Exception:
                    logger.exception("WeChat message from %s could not be handled", user)
                await output.flush()
                if output.buttons:
                    self.last_buttons.set(user, output.buttons)
                else:
                    self.last_buttons.pop(user)
        finally:
            lock, waiting = self._locks[user]
            if waiting <= 1:
                del self._locks[user]
            else:
                self._locks[user] = (lock, waiting - 1)

    async def _handle(
        self,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        fields: dict[str, str],
        encrypted: bool,
    ) -> HTTPResponse:
        user = fields.get("FromUserName")
        msg_type = fields.get("MsgType", "")
        if not user or not msg_type:
            raise BadRequest("no FromUserName or MsgType")
        if not self.seen.add(self._dedup_key(fields)):
            logger.debug("WeChat retry of %s dropped", self._dedup_key(fields))
            return response.text("success")
        metadata = {
            "wechat": {"msg_type": msg_type, "msg_id": fields.get("MsgId"), "to": fields.get("ToUserName")}
        }

        text = None
        if msg_type == "text":
            text = fields.get("Content", "")
        elif msg_type == "voice" and fields.get("Recognition"):
            text = fields["Recognition"]  # WeChat's speech recognition, when switched on
        elif msg_type == "event":
            event = fields.get("Event", "").lower()
            if event == "subscribe":
                text = greet_payload(self.language(user))
            elif event == "unsubscribe":
                self.last_buttons.pop(user)
                return response.text("success")
            elif event == "click" and fields.get("EventKey", "").startswith("/"):
                text = fields["EventKey"]  # a menu item configured with an intent payload
            else:
                return response.text("success")
        elif msg_type in NON_TEXT:
            return self._reply(fields, encrypted, texts.PLEASE_TYPE[self.language(user)])
        else:
            return response.text("success")

        if not text or not text.strip():
            return self._reply(fields, encrypted, texts.PLEASE_TYPE[self.language(user)])
        if msg_type != "event":
            detected = detect_language(text)
            if detected:
                self.languages.set(user, detected)
        self._background(self._turn(on_new_message, user, text, metadata))
        return response.text("success")

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        wechat_webhook = Blueprint("wechat_webhook", __name__)

        @wechat_webhook.route("/", methods=["GET"])  # type: ignore[untyped-decorator]  # sanic is untyped
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @wechat_webhook.route("/webhook", methods=["GET"])  # type: ignore[untyped-decorator]  # sanic is untyped
        async def verify(request: Request) -> HTTPResponse:
            if not self._authentic(request):
                return response.text("forbidden", status=403)
            return response.text(request.args.get("echostr", ""))

        @wechat_webhook.route("/webhook", methods=["POST"])  # type: ignore[untyped-decorator]  # sanic is untyped
        async def receive(request: Request) -> HTTPResponse:
            length = request.headers.get("content-length")
            if (length and length.isdigit() and int(length) > self.max_body_bytes) or len(
                request.body or b""
            ) > self.max_body_bytes:
                return response.text("payload too large", status=413)
            if not self._authentic(request):
                return response.text("forbidden", status=403)
            if not self._first_use(request):
                logger.warning("WeChat request refused: a signed URL used again (replay)")
                return response.text("forbidden", status=403)
            try:
                fields, encrypted = self._message(request)
                return await self._handle(on_new_message, fields, encrypted)
            except PermissionError as error:
                logger.warning("WeChat request refused: %s", error)
                return response.text("forbidden", status=403)
            except BadRequest as error:
                logger.warning("WeChat request refused: %s", error)
                return response.text("bad request", status=400)

        @wechat_webhook.listener("before_server_stop")  # type: ignore[untyped-decorator]  # sanic is untyped
        async def finish(*_: Any) -> None:
            """Lets the replies being sent go out before the server stops."""
            if self._tasks:
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(asyncio.gather(*self._tasks, return_exceptions=True), 10)

        return wechat_webhook
