"""What no bot reply may do: answer in the other language than the conversation's, or show the
machinery (an intent, slot, action or response name, a code like `needs_sourcing`, a Python
list or dict, `None`). Applied to every REST conversation the tests and simulations play."""

from __future__ import annotations

import re
from collections.abc import Iterable

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
_MACHINERY = re.compile(
    r"\b(?:utter|action|validate)_[a-z_]+|\b(?:topic|intent)_[a-z_]+|requested_slot|\bNone\b|"
    r"\[['\"]|\{['\"]|['\"]\]|\b[a-z]+_[a-z]+(?:_[a-z]+)*\b"
)
# Words allowed in any reply: names of laws and permits, and the note saying which languages
# the bot speaks (written in both on purpose).
_ANY_LANGUAGE = re.compile(
    r"ICP|EDI|PIPL|CAC|MIIT|MLPS|SaaS|App|app|WeChat|Telegram|GDPR|DPO|CII|IT|AI|OK|PDF|VPN|URL|ID|"
    r"Sorry, I can only talk in Chinese or English\.|抱歉，我只能用中文或英文交流。|\S+@\S+|https?://\S+"
)


# A Chinese term in brackets inside English text names it for the reader: "MLPS (等保)".
_GLOSSED_TERM = re.compile(r"[（(][\u4e00-\u9fff]{1,6}[)）]")


def _without(text: str, typed: Iterable[str]) -> str:
    """The reply without what the user typed (their own words may be read back to them)."""
    for message in sorted(typed, key=len, reverse=True):
        for fragment in re.split(r"[，,。；;：:\s]+", message):
            if len(fragment) >= 2:
                text = text.replace(fragment, " ")
    return _ANY_LANGUAGE.sub(" ", _GLOSSED_TERM.sub(" ", text))


def problems(reply: str, language: str | None, typed: Iterable[str] = ()) -> list[str]:
    """What is wrong with one bot reply in a conversation held in `language`."""
    found = []
    rest = _without(reply, list(typed))
    machinery = [
        m for m in _MACHINERY.findall(rest) if not re.fullmatch(r"[a-z]+_[a-z]+\d*", m or "") or "_" in m
    ]
    if machinery:
        found.append(f"shows internals {machinery[:3]}: {reply[:80]!r}")
    cjk = len(_CJK.findall(rest))
    latin = len(_LATIN_WORD.findall(rest))
    lowercase = re.findall(r"\b[a-z]{3,}\b", rest)
    if language == "zh" and ((latin >= 2 and latin * 2 > cjk) or lowercase):
        found.append(f"English in a Chinese conversation: {reply[:80]!r}")
    if language == "en" and cjk > 2:
        found.append(f"Chinese in an English conversation: {reply[:80]!r}")
    return found
