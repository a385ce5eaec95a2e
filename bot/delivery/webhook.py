"""Webhook delivery: the lead as JSON, POSTed to the firm's URL and signed with the firm's secret.

Signature scheme (what a firm implements, or copies from `verify_signature`):

    X-Lawbot-Timestamp: <unix seconds>
    X-Lawbot-Signature: hex(HMAC-SHA256(secret, "<timestamp>.<raw body>"))
    Idempotency-Key:    <stable per lead, firm and method: store it, ignore repeats>
    X-Lawbot-Event:     lead.created (the body is the lead) or lead.erased (the body is
                        {"event": "lead.erased", "lead_id": ..., "erased_at": ...}: the client
                        had their data erased; delete the lead you received with that id)

The timestamp is inside the signed text so a captured request cannot be replayed later;
firms reject timestamps outside a tolerance (five minutes by default).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

import requests

from bot.delivery.errors import DeliveryError

TIMEOUT = (3.05, 10)  # connect, read: a slow firm server must never hold the worker long
USER_AGENT = "lawbot-delivery/1"
# Worth another try: the firm's server may be busy or restarting. Other 4xx mean the request
# itself is refused (bad signature, unknown endpoint), which retrying will not change.
RETRYABLE_STATUS = frozenset({408, 425, 429})


def _bytes(text: str | bytes) -> bytes:
    return text.encode("utf-8") if isinstance(text, str) else text


def sign(secret: str, timestamp: str | int, body: str | bytes) -> str:
    """The hex HMAC-SHA256 of "<timestamp>.<body>" under the firm's secret."""
    message = _bytes(str(timestamp)) + b"." + _bytes(body)
    return hmac.new(_bytes(secret), message, hashlib.sha256).hexdigest()


def verify_signature(
    secret: str,
    timestamp: str | int | None,
    body: str | bytes,
    signature: str | None,
    tolerance: float = 300,
    now: float | None = None,
) -> bool:
    """True when `signature` was made with `secret` over this exact body and timestamp, and the
    timestamp is within `tolerance` seconds of now. Constant-time comparison."""
    if not secret or not timestamp or not signature:
        return False
    try:
        sent_at = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs((time.time() if now is None else now) - sent_at) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, sent_at, body), signature.strip().lower())


def body_of(payload: dict[str, Any]) -> str:
    """The exact text that is signed and sent (compact, UTF-8, Chinese left readable)."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def send(
    url: str, secret: str, payload: dict[str, Any], idempotency_key: str, event: str = "lead.created"
) -> None:
    """POSTs one lead (or erasure notice, `event`); returns on a 2xx answer, raises DeliveryError otherwise.

    Redirects are not followed: a signed lead goes only to the URL staff configured.
    """
    if not secret:
        raise DeliveryError("the firm has a webhook URL but no secret", permanent=True)
    body = body_of(payload).encode("utf-8")
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "Idempotency-Key": idempotency_key,
        "X-Lawbot-Event": event,
        "X-Lawbot-Timestamp": timestamp,
        "X-Lawbot-Signature": sign(secret, timestamp, body),
    }
    try:
        response = requests.post(url, data=body, headers=headers, timeout=TIMEOUT, allow_redirects=False)
    except requests.RequestException as error:
        raise DeliveryError(f"webhook {url}: {type(error).__name__}: {error}", permanent=False) from error
    if 200 <= response.status_code < 300:
        return
    retryable = response.status_code >= 500 or response.status_code in RETRYABLE_STATUS
    raise DeliveryError(
        f"webhook {url}: HTTP {response.status_code} {response.text[:200]!r}", permanent=not retryable
    )
