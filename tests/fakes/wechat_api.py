"""A fake WeChat server API (api.weixin.qq.com) on localhost, and the WeChat platform's side
of an Official Account's webhook (signed GETs and POSTs, XML messages, safe-mode encryption).

The fake answers GET /cgi-bin/token (access tokens with an expiry) and POST
/cgi-bin/message/custom/send (customer-service messages, recorded), with WeChat's errcodes:
40013 for a wrong AppID or secret, 40001 for an unknown token, 42001 for an expired one.
`expire_tokens()` expires every token issued so far, as WeChat does when a token is
refreshed elsewhere or its two hours are up."""

from __future__ import annotations

import itertools
import secrets
import time
from typing import Any
from urllib.parse import urlencode

import requests

from bot.rasa.channels.wechat_crypto import WeChatCrypto, signature
from bot.rasa.channels.wechat_xml import parse_xml

from . import FakeServer, wait_until

APP_ID = "wx5f0e1d2c3b4a6978"
APP_SECRET = "0123456789abcdef0123456789abcdef"
TOKEN = "lawbotWeChatToken2024"
ENCODING_AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
ACCOUNT = "gh_3f2c1a9b8e7d"  # the Official Account's original ID (ToUserName)


class FakeWeChatAPI(FakeServer):
    def __init__(self, app_id: str = APP_ID, app_secret: str = APP_SECRET, expires_in: int = 7200) -> None:
        super().__init__()
        self.app_id = app_id
        self.app_secret = app_secret
        self.expires_in = expires_in
        self.tokens: dict[str, float] = {}  # token -> expiry (time.time())
        self.token_requests = 0
        self.messages: list[dict[str, Any]] = []
        self.rejected: list[dict[str, Any]] = []
        self._serial = itertools.count(1)

    def handle(self, method, path, query, body, headers):
        if path == "/cgi-bin/token" and method == "GET":
            return 200, self._token(query)
        if path == "/cgi-bin/message/custom/send" and method == "POST":
            return 200, self._custom_send(query.get("access_token", ""), body)
        return 404, {"errcode": 404, "errmsg": "not found"}

    def _token(self, query: dict[str, str]) -> dict[str, Any]:
        with self.lock:
            self.token_requests += 1
            if query.get("grant_type") != "client_credential":
                return {"errcode": 40002, "errmsg": "invalid grant_type"}
            if query.get("appid") != self.app_id or query.get("secret") != self.app_secret:
                return {"errcode": 40013, "errmsg": "invalid appid"}
            token = f"ACCESS_TOKEN_{next(self._serial)}_{secrets.token_hex(8)}"
            self.tokens[token] = time.time() + self.expires_in
            return {"access_token": token, "expires_in": self.expires_in}

    def _custom_send(self, token: str, body: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            if token not in self.tokens:
                self.rejected.append({"errcode": 40001, **body})
                return {"errcode": 40001, "errmsg": "invalid credential, access_token is invalid"}
            if self.tokens[token] <= time.time():
                self.rejected.append({"errcode": 42001, **body})
                return {"errcode": 42001, "errmsg": "access_token expired"}
            if not body.get("touser") or body.get("msgtype") not in {"text", "news", "image", "link"}:
                return {"errcode": 40008, "errmsg": "invalid message type"}
            self.messages.append(body)
            return {"errcode": 0, "errmsg": "ok"}

    def expire_tokens(self) -> None:
        with self.lock:
            self.tokens = dict.fromkeys(self.tokens, 0.0)

    # --- what the tests look at --------------------------------------------------------------

    def texts(self, openid: str) -> list[str]:
        with self.lock:
            mine = [m for m in self.messages if m["touser"] == openid and m["msgtype"] == "text"]
        return [m["text"]["content"] for m in mine]

    def wait_texts(self, openid: str, count: int, timeout: float = 30) -> list[str]:
        """The first `count` (or more) texts sent to the user, waiting for them to arrive."""
        return wait_until(lambda: len(self.texts(openid)) >= count and self.texts(openid), timeout)

    def wait_quiet(self, openid: str, quiet: float = 1.0, timeout: float = 30) -> list[str]:
        """All texts sent to the user once nothing new has arrived for `quiet` seconds."""
        deadline = time.monotonic() + timeout
        seen, since = -1, time.monotonic()
        while time.monotonic() < deadline:
            current = len(self.texts(openid))
            if current != seen:
                seen, since = current, time.monotonic()
            elif current and time.monotonic() - since >= quiet:
                return self.texts(openid)
            time.sleep(0.1)
        raise AssertionError(f"no settled replies for {openid} within {timeout}s")


# --- the WeChat platform's side of the webhook ---------------------------------------------------

_msg_ids = itertools.count(int(time.time() * 1000) * 1000)


def new_msg_id() -> str:
    return str(next(_msg_ids))


def openid() -> str:
    return "o" + secrets.token_urlsafe(20)[:27]


def text_xml(user: str, content: str, msg_id: str | None = None, create_time: int | None = None) -> str:
    return (
        f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName><FromUserName><![CDATA[{user}]]></FromUserName>"
        f"<CreateTime>{create_time or int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id or new_msg_id()}</MsgId></xml>"
    )


def event_xml(user: str, event: str, create_time: int | None = None, event_key: str = "") -> str:
    return (
        f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName><FromUserName><![CDATA[{user}]]></FromUserName>"
        f"<CreateTime>{create_time or int(time.time())}</CreateTime><MsgType><![CDATA[event]]></MsgType>"
        f"<Event><![CDATA[{event}]]></Event><EventKey><![CDATA[{event_key}]]></EventKey></xml>"
    )


def media_xml(user: str, msg_type: str, msg_id: str | None = None) -> str:
    """An image, voice, video or location message."""
    extra = {
        "image": "<PicUrl><![CDATA[http://mmbiz.qpic.cn/x.jpg]]></PicUrl><MediaId><![CDATA[m1]]></MediaId>",
        "voice": "<MediaId><![CDATA[m2]]></MediaId><Format><![CDATA[amr]]></Format>",
        "video": "<MediaId><![CDATA[m3]]></MediaId><ThumbMediaId><![CDATA[t3]]></ThumbMediaId>",
        "location": "<Location_X>45.75</Location_X><Location_Y>126.65</Location_Y><Scale>15</Scale>"
        "<Label><![CDATA[哈尔滨市南岗区]]></Label>",
    }[msg_type]
    return (
        f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName><FromUserName><![CDATA[{user}]]></FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[{msg_type}]]></MsgType>{extra}"
        f"<MsgId>{msg_id or new_msg_id()}</MsgId></xml>"
    )


class WeChatPlatform:
    """Signs and (in safe mode) encrypts what it posts to the account's webhook, as WeChat does."""

    def __init__(
        self, webhook_url: str, token: str = TOKEN, app_id: str = APP_ID, encoding_aes_key: str | None = None
    ) -> None:
        self.webhook_url = webhook_url
        self.token = token
        self.crypto = WeChatCrypto(encoding_aes_key, app_id) if encoding_aes_key else None

    def signed_url(self, timestamp: int | None = None, token: str | None = None, **extra: str) -> str:
        ts, nonce = str(timestamp or int(time.time())), str(secrets.randbelow(10**9))
        query = {"signature": signature(token or self.token, ts, nonce), "timestamp": ts, "nonce": nonce}
        query.update(extra)
        return f"{self.webhook_url}?{urlencode(query)}"

    def verify(self, echostr: str, **kwargs: Any) -> requests.Response:
        return requests.get(self.signed_url(echostr=echostr, **kwargs), timeout=10)

    def signed_post(
        self,
        xml: str | bytes,
        encrypted: bool | None = None,
        timestamp: int | None = None,
        token: str | None = None,
        user: str = "",
    ) -> tuple[str, bytes]:
        """The URL and body WeChat would post: encrypted (safe mode) when the platform has an
        EncodingAESKey, unless `encrypted` says otherwise."""
        encrypted = self.crypto is not None if encrypted is None else encrypted
        ts, nonce = str(timestamp or int(time.time())), str(secrets.randbelow(10**9))
        query = {
            "signature": signature(token or self.token, ts, nonce),
            "timestamp": ts,
            "nonce": nonce,
            "openid": user,
        }
        body = xml.encode("utf-8") if isinstance(xml, str) else xml
        if encrypted:
            assert self.crypto is not None
            ciphertext = self.crypto.encrypt(xml if isinstance(xml, str) else xml.decode("utf-8"))
            query.update(encrypt_type="aes", msg_signature=signature(self.token, ts, nonce, ciphertext))
            body = (
                f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName>"
                f"<Encrypt><![CDATA[{ciphertext}]]></Encrypt></xml>"
            ).encode()
        return f"{self.webhook_url}?{urlencode(query)}", body

    def post(self, xml: str | bytes, encrypted: bool | None = None, **kwargs: Any) -> requests.Response:
        url, body = self.signed_post(xml, encrypted, **kwargs)
        return send_signed(url, body)

    def reply_fields(self, response: requests.Response) -> dict[str, str]:
        """The fields of a passive reply, decrypted when it came encrypted (and its signature checked)."""
        fields = parse_xml(response.content)
        if "Encrypt" not in fields:
            return fields
        assert self.crypto is not None
        expected = signature(self.token, fields["TimeStamp"], fields["Nonce"], fields["Encrypt"])
        assert fields["MsgSignature"] == expected, "the reply's signature is wrong"
        return parse_xml(self.crypto.decrypt(fields["Encrypt"]))


def send_signed(url: str, body: bytes) -> requests.Response:
    return requests.post(url, data=body, timeout=10, headers={"Content-Type": "text/xml"})
