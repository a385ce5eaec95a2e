"""CSRF tokens of the staff console, made and checked by itsdangerous.

A token is a `URLSafeTimedSerializer` signature of a secret: the session's CSRF secret (kept
with the session in `staff_sessions`) for every form of a signed-in member, or, for the
sign-in form posted before any session exists, a random value also held in the cookie
`staff_login_csrf` (double submit: a site that cannot read our cookies cannot make the pair).
Tokens expire (`SESSION_MAX_AGE`, `LOGIN_MAX_AGE`), and a token of one kind never passes as the
other (distinct salts). The signing key is derived from the search key (bot/crypto.py:
LAWBOT_SEARCH_KEY, or the embedded profile's key file under var/keys, 0600), so every
instance of the web app checks the others' tokens."""

from __future__ import annotations

import hashlib
import hmac
from functools import cache

from itsdangerous import BadData, URLSafeTimedSerializer

from bot import crypto
from bot.staff import SESSION_TTL

SESSION_SALT = "lawbot.staff.csrf.session"
LOGIN_SALT = "lawbot.staff.csrf.login"
SESSION_MAX_AGE = int(SESSION_TTL.total_seconds())
LOGIN_MAX_AGE = 3600


@cache
def _serializer(search_key: bytes) -> URLSafeTimedSerializer:
    key = hmac.new(search_key, b"lawbot staff console csrf", hashlib.sha256).digest()
    return URLSafeTimedSerializer(key)


def _signer() -> URLSafeTimedSerializer:
    return _serializer(crypto.search_key())


def token(secret: str, salt: str = SESSION_SALT) -> str:
    """The token forms carry for this secret."""
    return str(_signer().dumps(secret, salt=salt))


def valid(sent: object, secret: str | None, salt: str = SESSION_SALT) -> bool:
    """Whether `sent` is an unexpired token of `secret` (of this kind)."""
    if not isinstance(sent, str) or not sent or not secret:
        return False
    max_age = LOGIN_MAX_AGE if salt == LOGIN_SALT else SESSION_MAX_AGE
    try:
        signed = _signer().loads(sent, salt=salt, max_age=max_age)
    except BadData:
        return False
    return isinstance(signed, str) and hmac.compare_digest(signed, secret)
