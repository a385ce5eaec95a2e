"""WeChat's message format: the XML of incoming messages (parsed with defusedxml: no DTDs, no
entities, no external references) and of the passive reply, plain or encrypted in safe mode."""

from __future__ import annotations

import secrets
import time
import xml.etree.ElementTree as ET

from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
from defusedxml.ElementTree import fromstring  # type: ignore[import-untyped]

from bot.rasa.channels.wechat_crypto import WeChatCrypto, signature


class BadRequest(ValueError):
    """A body that is not a WeChat message."""


def parse_xml(body: bytes | str) -> dict[str, str]:
    """The child elements of a WeChat <xml> message as a flat dict; BadRequest if it is not one."""
    raw = body.encode("utf-8") if isinstance(body, str) else body
    try:
        root = fromstring(raw, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as error:
        raise BadRequest(f"DTDs and entities are not accepted: {type(error).__name__}") from error
    except (ET.ParseError, ValueError) as error:
        raise BadRequest(f"malformed XML: {error}") from error
    if root.tag != "xml":
        raise BadRequest("the root element is not <xml>")
    return {child.tag: (child.text or "").strip() for child in root}


def _cdata(value: str) -> str:
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def text_reply_xml(to_user: str, from_user: str, content: str, now: int | None = None) -> str:
    """A passive text reply (被动回复消息)."""
    return (
        f"<xml><ToUserName>{_cdata(to_user)}</ToUserName><FromUserName>{_cdata(from_user)}</FromUserName>"
        f"<CreateTime>{int(now or time.time())}</CreateTime><MsgType>{_cdata('text')}</MsgType>"
        f"<Content>{_cdata(content)}</Content></xml>"
    )


def encrypted_reply_xml(crypto: WeChatCrypto, token: str, reply: str) -> str:
    encrypted = crypto.encrypt(reply)
    timestamp = str(int(time.time()))
    nonce = str(secrets.randbelow(10**10))
    return (
        f"<xml><Encrypt>{_cdata(encrypted)}</Encrypt>"
        f"<MsgSignature>{_cdata(signature(token, timestamp, nonce, encrypted))}</MsgSignature>"
        f"<TimeStamp>{timestamp}</TimeStamp><Nonce>{_cdata(nonce)}</Nonce></xml>"
    )
