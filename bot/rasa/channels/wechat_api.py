"""The two WeChat server APIs the channel calls, blocking (`requests`), meant to run in a worker
thread: the access token (fetched, cached, refreshed before it expires or when WeChat says it
is no longer valid) and the customer-service message (客服消息) that carries the bot's replies.

The AppSecret and the access token travel in query strings (WeChat's API wants them there), so
they never reach a log: errors are re-raised with the URL masked, and urllib3's request log
lines are masked too."""

from __future__ import annotations

import json
import logging
import threading
import time
from typing import Any, Callable

import requests

from bot.rasa.channels.common import mask_secrets

logger = logging.getLogger(__name__)


class _MaskSecrets(logging.Filter):
    """Masks secret query parameters in the log lines of the HTTP libraries."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_secrets(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


_MASK = _MaskSecrets()
for _name in ("urllib3.connectionpool", "requests"):
    if not any(isinstance(f, _MaskSecrets) for f in logging.getLogger(_name).filters):
        logging.getLogger(_name).addFilter(_MASK)

# errcodes meaning "this access token is not (or no longer) valid": fetch a new one and retry
TOKEN_ERRORS = {40001, 40014, 42001}
BUSY = -1  # "system busy, try again"
TEXT_MAX_BYTES = 2000  # a customer-service text message holds at most 2048 bytes


class WeChatHTTPError(RuntimeError):
    """A failed request to WeChat's API, described without the secrets in its URL."""


def _masked(error: requests.RequestException) -> WeChatHTTPError:
    return WeChatHTTPError(mask_secrets(f"{type(error).__name__}: {error}"))


class WeChatAPIError(RuntimeError):
    def __init__(self, errcode: int, errmsg: str, what: str) -> None:
        super().__init__(f"WeChat {what} failed: errcode {errcode} ({errmsg})")
        self.errcode = errcode
        self.errmsg = errmsg


class WeChatAPI:
    def __init__(
        self,
        api_url: str,
        app_id: str,
        app_secret: str,
        timeout: float = 10,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.api_url = api_url.rstrip("/")
        self.app_id = app_id
        self.app_secret = app_secret
        self.timeout = timeout
        self._clock = clock
        self._lock = threading.Lock()
        self._token: str | None = None
        self._refresh_at = 0.0
        self._local = threading.local()

    @property
    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
        return session

    def access_token(self) -> str:
        """The cached token, or a new one when it is missing or close to expiring."""
        with self._lock:
            if self._token is None or self._clock() >= self._refresh_at:
                self._fetch_token()
            return self._token  # type: ignore[return-value]

    def invalidate(self, token: str) -> None:
        """Forgets `token` (WeChat rejected it) unless another thread already replaced it."""
        with self._lock:
            if self._token == token:
                self._token = None

    def _fetch_token(self) -> None:
        try:
            response = self._session.get(
                f"{self.api_url}/cgi-bin/token",
                params={"grant_type": "client_credential", "appid": self.app_id, "secret": self.app_secret},
                timeout=self.timeout,
            )
            response.raise_for_status()
            data = response.json()
        except requests.RequestException as error:
            raise _masked(error) from None  # the original names the URL, with the AppSecret
        if not data.get("access_token"):
            raise WeChatAPIError(data.get("errcode", -2), data.get("errmsg", "no access_token"), "token")
        expires_in = int(data.get("expires_in") or 7200)
        # Refresh ahead of expiry: 5 minutes early for WeChat's 2 hours, half the lifetime if short.
        margin = min(300, expires_in / 2)
        self._token = data["access_token"]
        self._refresh_at = self._clock() + expires_in - margin
        logger.info("WeChat access token fetched, valid for %ss", expires_in)

    def _post(self, path: str, body: dict[str, Any], what: str) -> dict[str, Any]:
        """POSTs with the access token; on a token error fetches a new token and tries again
        once, on "system busy" waits a moment and tries again once."""
        retried_token = retried_busy = False
        while True:
            token = self.access_token()
            try:
                response = self._session.post(
                    f"{self.api_url}{path}",
                    params={"access_token": token},
                    # WeChat wants UTF-8 JSON, not \\u escapes
                    data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
                    headers={"Content-Type": "application/json; charset=utf-8"},
                    timeout=self.timeout,
                )
                response.raise_for_status()
                data: dict[str, Any] = response.json()
            except requests.RequestException as error:
                raise _masked(error) from None  # the original names the URL, with the token
            errcode = int(data.get("errcode") or 0)
            if errcode == 0:
                return data
            if errcode in TOKEN_ERRORS and not retried_token:
                logger.info("WeChat rejected the access token (errcode %s); fetching a new one", errcode)
                self.invalidate(token)
                retried_token = True
                continue
            if errcode == BUSY and not retried_busy:
                retried_busy = True
                time.sleep(0.5)
                continue
            raise WeChatAPIError(errcode, data.get("errmsg", ""), what)

    def send(self, message: dict[str, Any]) -> None:
        """Sends a customer-service message: {"touser": openid, "msgtype": ..., ...}."""
        self._post("/cgi-bin/message/custom/send", message, "custom/send")

    def send_text(self, openid: str, content: str) -> None:
        self.send({"touser": openid, "msgtype": "text", "text": {"content": content}})
