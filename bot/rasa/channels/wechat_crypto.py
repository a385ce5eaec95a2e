"""WeChat Official Account message signatures and "safe mode" encryption (消息加解密).

Safe mode: the 43-character EncodingAESKey plus "=" is the base64 of a 32-byte AES-256 key; the
IV is the key's first 16 bytes. The plaintext is 16 random bytes, the message length (4 bytes,
big-endian), the message XML and the AppID, PKCS#7-padded to a multiple of 32 bytes, then
AES-256-CBC encrypted and base64-encoded. msg_signature is the SHA-1 of the sorted token,
timestamp, nonce and ciphertext.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import struct
from typing import Protocol

from Crypto.Cipher import AES

BLOCK_SIZE = 32  # WeChat pads to 32 bytes, not AES's 16


class _Cipher(Protocol):
    """What this module uses of a pycryptodome AES-CBC cipher."""

    def encrypt(self, plaintext: bytes) -> bytes: ...

    def decrypt(self, ciphertext: bytes) -> bytes: ...


class WeChatCryptoError(ValueError):
    """A message that does not decrypt, is badly padded or belongs to another AppID."""


def signature(*parts: str) -> str:
    """SHA-1 of the parts sorted and joined: `signature` (token, timestamp, nonce) and
    `msg_signature` (token, timestamp, nonce, encrypted message)."""
    return hashlib.sha1("".join(sorted(parts)).encode("utf-8")).hexdigest()


def signature_matches(expected: str, given: str | None) -> bool:
    if not given:
        return False
    return hmac.compare_digest(expected, given.lower())


def pkcs7_pad(data: bytes, block_size: int = BLOCK_SIZE) -> bytes:
    amount = block_size - len(data) % block_size
    return data + bytes([amount]) * amount


def pkcs7_unpad(data: bytes, block_size: int = BLOCK_SIZE) -> bytes:
    if not data or len(data) % 16:
        raise WeChatCryptoError("ciphertext length is not a multiple of the AES block")
    amount = data[-1]
    if not 1 <= amount <= block_size or data[-amount:] != bytes([amount]) * amount:
        raise WeChatCryptoError("bad padding")
    return data[:-amount]


class WeChatCrypto:
    def __init__(self, encoding_aes_key: str, app_id: str) -> None:
        if len(encoding_aes_key) != 43:
            raise ValueError("the EncodingAESKey has 43 characters")
        try:
            self.key = base64.b64decode(encoding_aes_key + "=", validate=True)
        except binascii.Error as error:
            raise ValueError("the EncodingAESKey is not base64") from error
        if len(self.key) != 32:
            raise ValueError("the EncodingAESKey does not decode to 32 bytes")
        self.app_id = app_id

    def _cipher(self) -> _Cipher:
        cipher: _Cipher = AES.new(self.key, AES.MODE_CBC, self.key[:16])
        return cipher

    def encrypt(self, message: str, random_prefix: bytes | None = None) -> str:
        body = message.encode("utf-8")
        prefix = random_prefix if random_prefix is not None else os.urandom(16)
        plain = prefix + struct.pack(">I", len(body)) + body + self.app_id.encode("utf-8")
        return base64.b64encode(self._cipher().encrypt(pkcs7_pad(plain))).decode("ascii")

    def decrypt(self, encrypted: str) -> str:
        """The message XML; raises WeChatCryptoError on any defect, including a foreign AppID."""
        try:
            data = base64.b64decode(encrypted, validate=True)
        except (binascii.Error, ValueError) as error:
            raise WeChatCryptoError("not base64") from error
        if not data or len(data) % 16:
            raise WeChatCryptoError("ciphertext length is not a multiple of the AES block")
        plain = pkcs7_unpad(self._cipher().decrypt(data))
        if len(plain) < 20:
            raise WeChatCryptoError("too short")
        (length,) = struct.unpack(">I", plain[16:20])
        body, app_id = plain[20 : 20 + length], plain[20 + length :]
        if len(body) != length:
            raise WeChatCryptoError("length field exceeds the message")
        if not hmac.compare_digest(app_id, self.app_id.encode("utf-8")):
            raise WeChatCryptoError("message for another AppID")
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError as error:
            raise WeChatCryptoError("message is not UTF-8") from error
