"""WeChat signatures and safe-mode encryption, checked against an independent AES
implementation (the `cryptography` package) rather than against themselves; the XML parser
and the decryption fuzzed with Hypothesis."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import struct

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.rasa.channels.wechat_crypto import (
    WeChatCrypto,
    WeChatCryptoError,
    pkcs7_pad,
    pkcs7_unpad,
    signature,
    signature_matches,
)
from bot.rasa.channels.wechat_xml import BadRequest, parse_xml

KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
APP_ID = "wxb11529c136998cb6"
XML = "<xml><ToUserName><![CDATA[gh_1]]></ToUserName><Content><![CDATA[你好，ICP备案]]></Content></xml>"


def aes_key() -> bytes:
    return base64.b64decode(KEY + "=")


def reference_encrypt(message: str, app_id: str = APP_ID, prefix: bytes = b"R" * 16) -> str:
    body = message.encode()
    plain = prefix + struct.pack(">I", len(body)) + body + app_id.encode()
    pad = 32 - len(plain) % 32
    plain += bytes([pad]) * pad
    encryptor = Cipher(algorithms.AES(aes_key()), modes.CBC(aes_key()[:16])).encryptor()
    return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode()


def reference_decrypt(encrypted: str) -> tuple[str, str]:
    decryptor = Cipher(algorithms.AES(aes_key()), modes.CBC(aes_key()[:16])).decryptor()
    plain = decryptor.update(base64.b64decode(encrypted)) + decryptor.finalize()
    plain = plain[: -plain[-1]]
    (length,) = struct.unpack(">I", plain[16:20])
    return plain[20 : 20 + length].decode(), plain[20 + length :].decode()


def test_the_signature_is_sha1_of_the_sorted_parts():
    expected = hashlib.sha1("".join(sorted(["token", "1409304348", "xxxxxx"])).encode()).hexdigest()
    assert signature("token", "1409304348", "xxxxxx") == expected
    assert signature("xxxxxx", "token", "1409304348") == expected  # order does not matter
    assert signature_matches(expected, expected.upper())
    assert not signature_matches(expected, None) and not signature_matches(expected, "0" * 40)


def test_encryption_matches_an_independent_implementation():
    crypto = WeChatCrypto(KEY, APP_ID)
    assert crypto.encrypt(XML, random_prefix=b"R" * 16) == reference_encrypt(XML)
    assert reference_decrypt(crypto.encrypt(XML)) == (XML, APP_ID)
    assert crypto.decrypt(reference_encrypt(XML, prefix=b"0123456789abcdef")) == XML


def test_random_prefix_makes_each_ciphertext_different():
    crypto = WeChatCrypto(KEY, APP_ID)
    first, second = crypto.encrypt(XML), crypto.encrypt(XML)
    assert first != second and crypto.decrypt(first) == crypto.decrypt(second) == XML


@pytest.mark.parametrize("size", [0, 1, 31, 32, 33, 64])
def test_pkcs7_pads_to_32_byte_blocks(size):
    padded = pkcs7_pad(b"x" * size)
    assert len(padded) % 32 == 0 and len(padded) > size
    assert pkcs7_unpad(padded) == b"x" * size


def test_a_message_for_another_app_id_is_refused():
    with pytest.raises(WeChatCryptoError, match="AppID"):
        WeChatCrypto(KEY, APP_ID).decrypt(reference_encrypt(XML, app_id="wx0000000000000000"))


@pytest.mark.parametrize(
    "ciphertext",
    ["not base64!", base64.b64encode(b"short").decode(), base64.b64encode(b"\0" * 32).decode(), ""],
)
def test_garbage_is_refused_with_a_crypto_error(ciphertext):
    with pytest.raises(WeChatCryptoError):
        WeChatCrypto(KEY, APP_ID).decrypt(ciphertext)


def test_a_tampered_ciphertext_is_refused():
    raw = bytearray(base64.b64decode(reference_encrypt(XML)))
    raw[-1] ^= 0xFF  # the last block decrypts to garbage, so its padding is wrong
    with pytest.raises(WeChatCryptoError):
        WeChatCrypto(KEY, APP_ID).decrypt(base64.b64encode(bytes(raw)).decode())


@pytest.mark.parametrize("key", ["short", KEY + "A", "!" * 43])
def test_a_bad_encoding_aes_key_is_a_configuration_error(key):
    with pytest.raises(ValueError):
        WeChatCrypto(key, APP_ID)


# --- fuzzed: whatever arrives, the answer is a message or a refusal, never a crash -------------

FUZZ = settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_XML_PIECES = st.sampled_from(
    [
        "<xml>",
        "</xml>",
        "<Content>",
        "</Content>",
        "<![CDATA[",
        "]]>",
        "<!DOCTYPE xml [",
        '<!ENTITY e "x">',
        "]>",
        "&e;",
        "&amp;",
        "&#0;",
        '<?xml version="1.0"?>',
        "<MsgType>text</MsgType>",
        "你好",
        "\x00",
        "\ud7ff",
        "<a/>",
        "<",
        ">",
        '"',
        "x",
        " ",
        "é",
    ]
)
_NEAR_XML = st.lists(_XML_PIECES, max_size=16).map("".join)


@FUZZ
@given(st.one_of(st.binary(max_size=300), _NEAR_XML, _NEAR_XML.map(lambda t: f"<xml>{t}</xml>")))
def test_any_body_parses_to_fields_or_is_refused(body):
    try:
        fields = parse_xml(body)
    except BadRequest:
        return
    assert isinstance(fields, dict) and all(isinstance(v, str) for v in fields.values())


@FUZZ
@given(
    st.one_of(
        st.text(alphabet="ABCabc0189+/=\n -_你", max_size=120),
        st.binary(max_size=200).map(lambda b: base64.b64encode(b).decode()),
    )
)
def test_any_ciphertext_decrypts_or_is_refused(ciphertext):
    crypto = WeChatCrypto(KEY, APP_ID)
    with contextlib.suppress(WeChatCryptoError):
        assert isinstance(crypto.decrypt(ciphertext), str)


@FUZZ
@given(st.text(max_size=500), st.binary(min_size=16, max_size=16))
def test_any_message_survives_the_round_trip(message, prefix):
    crypto = WeChatCrypto(KEY, APP_ID)
    assert crypto.decrypt(crypto.encrypt(message, random_prefix=prefix)) == message
