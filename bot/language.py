"""Which language a message is written in: English or Simplified Chinese."""

from __future__ import annotations

import re
from typing import Literal

Language = Literal["en", "zh"]
LANGUAGES: tuple[Language, ...] = ("en", "zh")

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]+")
# A Chinese sentence carries about one word per 1.5 characters; English terms such as
# "ICP" or "PIPL" inside Chinese text must not flip the language to English.
_CHARS_PER_WORD = 1.5


def detect_language(text: str) -> Language | None:
    """Returns "zh" or "en" for a message, or None when it has no words (digits, emoji, "?").

    Mixed messages take the language that carries most of the words: "我们的App要做PIPL合规吗"
    is Chinese, "our 小程序 needs ICP filing?" is English.
    """
    cjk_chars = len(_CJK.findall(text))
    latin_words = len(_LATIN_WORD.findall(text))
    if cjk_chars == 0 and latin_words == 0:
        return None
    return "zh" if cjk_chars / _CHARS_PER_WORD >= latin_words else "en"
