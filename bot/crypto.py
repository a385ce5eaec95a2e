"""Encryption at rest (PIPL Art. 51): what the user told us is stored as Fernet ciphertext
(AES-128-CBC with HMAC-SHA256: authenticated, so a changed byte is noticed, not decrypted into
nonsense), and found again by keyed hashes for exact matches on a phone number or an email.

The keys, newest first:
- `LAWBOT_ENCRYPTION_KEYS` (comma-separated Fernet keys): the first encrypts, every one decrypts;
- else, in the embedded profile only, the key file `var/keys/lawbot.key` (one key a line, newest
  first), made at first start (file 0600, directory 0700);
- else, in the production profile: `KeyMissing`, and nothing starts.
The hash key likewise: `LAWBOT_SEARCH_KEY`, else `var/keys/search.key` (embedded only).

`EncryptedJSON` is the column type: the code reads and writes JSON values (str, dict, list) as
before; the database holds only the token. `lawbot keys rotate` is in bot/key_rotation.py.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import secrets
import threading
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy.engine import Dialect
from sqlalchemy.types import Text, TypeDecorator

from bot.settings import Settings
from bot.settings import load as load_settings

__all__ = ["InvalidToken", "KeyMissing"]


class KeyMissing(RuntimeError):
    """The production profile has no encryption (or search) key: the assistant must not start."""


def key_dir(settings: Settings) -> Path:
    return settings.var_dir / "keys"


def key_file(settings: Settings) -> Path:
    """The embedded profile's Fernet keys, one a line, newest first."""
    return key_dir(settings) / "lawbot.key"


def search_key_file(settings: Settings) -> Path:
    return key_dir(settings) / "search.key"


def write_private(path: Path, text: str, *, replace: bool) -> bool:
    """Writes `text` to `path` readable by the owner only (directory 0700, file 0600), atomically.
    `replace=False`: only when no file is there (two processes starting at once make one key:
    the loser reads the winner's); returns whether this call wrote it."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.parent.chmod(0o700)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        if replace:
            tmp.replace(path)
            return True
        try:
            os.link(tmp, path)  # fails if the file exists: never overwrite a key
        except FileExistsError:
            return False
        return True
    finally:
        tmp.unlink(missing_ok=True)


def _read_keys(path: Path) -> tuple[str, ...]:
    return tuple(line.strip() for line in path.read_text(encoding="ascii").splitlines() if line.strip())


def _file_keys(path: Path, make: Any) -> tuple[str, ...]:
    if not path.exists():
        write_private(path, make() + "\n", replace=False)
    found = _read_keys(path)
    if not found:
        raise KeyMissing(f"the key file {path} is empty")
    return found


def keys(settings: Settings | None = None) -> tuple[str, ...]:
    """The Fernet keys, newest first (see the module's docstring for where they come from)."""
    settings = settings or load_settings()
    if settings.encryption_keys:
        return settings.encryption_keys
    if settings.production:
        raise KeyMissing(
            "the production profile needs LAWBOT_ENCRYPTION_KEYS (make one with "
            "`lawbot keys new`); refusing to start without encryption at rest"
        )
    return _file_keys(key_file(settings), lambda: Fernet.generate_key().decode())


def search_key(settings: Settings | None = None) -> bytes:
    """The key of the keyed hashes (LAWBOT_SEARCH_KEY, or the embedded profile's key file)."""
    settings = settings or load_settings()
    if settings.search_key:
        return settings.search_key.encode()
    if settings.production:
        raise KeyMissing("the production profile needs LAWBOT_SEARCH_KEY (any long random string)")
    return _file_keys(search_key_file(settings), lambda: secrets.token_urlsafe(32))[0].encode()


def require(settings: Settings | None = None) -> None:
    """Fails at start (KeyMissing, or a ValueError for a malformed key) rather than at the first
    lead: the servers call it before they serve."""
    settings = settings or load_settings()
    fernet(settings)
    search_key(settings)


_lock = threading.Lock()
_cache: dict[tuple[Any, ...], MultiFernet] = {}


def _cache_key(settings: Settings) -> tuple[Any, ...]:
    """What the keys depend on; the key file's change time too, so a rotation by `lawbot keys
    rotate` reaches running processes at their next encryption."""
    if settings.encryption_keys or settings.production:
        return (settings.encryption_keys, settings.production)
    path = key_file(settings)
    try:
        stamp = path.stat().st_mtime_ns
    except FileNotFoundError:
        stamp = None
    return (str(path), stamp)


def fernet(settings: Settings | None = None) -> MultiFernet:
    """The MultiFernet of the configured keys: encrypts with the first, decrypts with any."""
    settings = settings or load_settings()
    cache_key = _cache_key(settings)
    with _lock:
        found = _cache.get(cache_key)
        if found is None:
            found = of_keys(keys(settings))
            _cache.clear()
            _cache[_cache_key(settings)] = found
    return found


def of_keys(key_list: tuple[str, ...] | list[str]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.encode()) for key in key_list])
    except (ValueError, TypeError) as error:
        raise ValueError("an encryption key is not a Fernet key (32 url-safe base64 bytes)") from error


def reset() -> None:
    """Forgets the cached keys (after the key file or the environment changed)."""
    with _lock:
        _cache.clear()


def encrypt(text: str, settings: Settings | None = None) -> str:
    return fernet(settings).encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(token: str, settings: Settings | None = None) -> str:
    """The plaintext of a token made with any of the keys; InvalidToken if none made it."""
    return fernet(settings).decrypt(token.encode("ascii")).decode("utf-8")


def is_token(value: str) -> bool:
    """Looks like a Fernet token (version byte 0x80): distinguishes ciphertext from a value
    written before encryption (the tracker store's older events)."""
    if not value.startswith("gAAAAA"):
        return False
    try:
        return base64.urlsafe_b64decode(value.encode("ascii"))[:1] == b"\x80"
    except (ValueError, UnicodeEncodeError):
        return False


def decrypt_event_data(data: str, box: MultiFernet | None = None) -> str:
    """A tracker store event's `data` column as JSON text: decrypted, or as it is when it was
    stored before encryption. For anything reading tracker.db directly. A loop over many events
    passes `box` (`fernet()`, built once): finding the keys costs far more than one decryption."""
    if not is_token(data):
        return data
    return (box or fernet()).decrypt(data.encode("ascii")).decode("utf-8")


class EncryptedJSON(TypeDecorator):  # type: ignore[misc]  # SQLAlchemy 1.4 types are untyped
    """A JSON value (str, number, dict, list) stored as a Fernet token in a TEXT column."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return encrypt(json.dumps(value, ensure_ascii=False))

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        return json.loads(decrypt(value))


# ---------------------------------------------------------------- keyed hashes for search


def normalise_phone(phone: str) -> str:
    """E.164 when the number parses (as the contact form stores it), else its digits and "+"."""
    from bot.contact_phones import parse_phone  # the contact rules; loaded only when needed

    parsed = parse_phone(phone)
    return parsed if isinstance(parsed, str) else re.sub(r"[^\d+]", "", phone)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def keyed_hash(kind: str, normalised: str, settings: Settings | None = None) -> str:
    """HMAC-SHA256 (hex) of `kind:value`: equal values give equal hashes, and without the key
    the hash tells nothing (a phone number's hash cannot be found by trying every number)."""
    message = f"{kind}:{normalised}".encode()
    return hmac.new(search_key(settings), message, hashlib.sha256).hexdigest()


def phone_hash(phone: str | None, settings: Settings | None = None) -> str | None:
    value = normalise_phone(phone) if phone else ""
    return keyed_hash("phone", value, settings) if value else None


def email_hash(email: str | None, settings: Settings | None = None) -> str | None:
    value = normalise_email(email) if email else ""
    return keyed_hash("email", value, settings) if value else None


def new_key() -> str:
    return Fernet.generate_key().decode()
