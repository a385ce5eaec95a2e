"""Which language a message is written in, and when a message changes the conversation's.

The conversation's language belongs to the conversation: it is set by the user's sentences and
by explicit requests ("please speak English", "说中文"), never by a name, a company, an email
address, a WeChat ID, a number or an amount typed in the other script."""

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
# Contact details, codes and amounts say nothing about the language of the person typing them.
_NOT_WORDS = re.compile(
    r"\S+@\S+|https?://\S+|www\.\S+|"  # emails, links
    r"\b[A-Za-z_-]*\d[\w.-]*|"  # anything with a digit: phones, IDs, amounts (80w), versions
    r"\b(?:co|ltd|llc|inc|gmbh|plc|corp|limited|company|group|technology|tech)\b\.?",  # company forms
    re.IGNORECASE,
)
_COMPANY_SUFFIX = re.compile(r"(?:股份)?有限(?:责任)?公司|集团|工作室|事务所|科技|公司")
_EN_FUNCTION = frozenset(
    [
        "i",
        "we",
        "you",
        "he",
        "she",
        "they",
        "my",
        "our",
        "your",
        "their",
        "me",
        "us",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "there",
        "here",
        "the",
        "a",
        "an",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "am",
        "do",
        "does",
        "did",
        "have",
        "has",
        "had",
        "can",
        "could",
        "would",
        "should",
        "will",
        "shall",
        "may",
        "might",
        "must",
        "to",
        "of",
        "for",
        "in",
        "on",
        "at",
        "with",
        "from",
        "about",
        "by",
        "and",
        "but",
        "or",
        "not",
        "no",
        "please",
        "what",
        "how",
        "why",
        "when",
        "where",
        "who",
        "which",
        "need",
        "needs",
        "want",
        "wants",
        "if",
        "so",
        "just",
        "also",
    ]
)
# Characters that only a Chinese sentence has (particles, pronouns, verbs), never a name or a
# company: "王晓燕" and "不凡科技有限公司" are not sentences, "我们的网站要备案吗" is.
_ZH_FUNCTION = re.compile(r"[我你您他她们的了吗呢吧是在要想能会请说问做该把被让给对没不还就都也很和跟]")
# A request to speak a language, never a name given "in Chinese" ("Kenji Tanaka, 田中健司 in
# Chinese"), a name in another script ("英文名 Tom", "中文名叫…") or a language named in an answer:
# "in English" asks only after a verb of talking or writing, or alone ("in English, please").
_TALK = r"(?:speak|talk|write|answer|reply|respond|continue|chat|communicate|go on|carry on|do (?:this|it)|switch|change)"
_ASK_EN = re.compile(
    rf"\b(?:{_TALK}(?: \w+){{0,3}} in|(?:speak|use|switch to|change to|switch (?:\w+ )?to))\s+english\b(?! name)|"
    r"^(?:(?:can|could) (?:we|you) )?(?:in )?english,?\s*(?:please|pls|plz)?[.!?]*$|"
    r"\b(?:can|could|may) (?:we|you|i)\b.{0,30}\bin english\b",
    re.IGNORECASE,
)
_ASK_ZH = re.compile(
    rf"\b(?:{_TALK}(?: \w+){{0,3}} in|(?:speak|use|switch to|change to|switch (?:\w+ )?to))\s+(?:chinese|mandarin)\b(?! name)|"
    r"^(?:(?:can|could) (?:we|you) )?(?:in )?(?:chinese|mandarin),?\s*(?:please|pls|plz)?[.!?]*$|"
    r"\b(?:can|could|may) (?:we|you|i)\b.{0,30}\bin (?:chinese|mandarin)\b|"
    r"(?:用|说|讲|换成|切换到?|改成|改用)\s*(?:中文|汉语|普通话|国语)(?![名字姓])|"
    r"^(?:中文|汉语|普通话)(?:吧|就行|可以吗)?[。!！]?$|能说中文|会说中文|看不懂英文",
    re.IGNORECASE,
)
_ASK_EN_ZH = re.compile(
    r"(?:用|说|讲|换成|切换到?|改成|改用)\s*(?:英文|英语)(?![名字姓])|^(?:英文|英语)(?:吧|就行)?[。!！]?$"
)
# "Kevin Zhou in English", "English name", "中文名": a name's other script, not a sentence's words
_NAME_IN_SCRIPT = re.compile(
    r"\b(?:in|is)\s+(?:english|chinese|mandarin)\b|\b(?:english|chinese)\s+name\b|(?:英文|中文)名(?:字)?",
    re.IGNORECASE,
)
# Scripts of languages the bot does not speak.
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")


def detect_language(text: str) -> Language | None:
    """Returns "zh" or "en" for a message, or None when it has no words (digits, emoji, "?").

    Mixed messages take the language that carries most of the words: "我们的App要做PIPL合规吗"
    is Chinese, "our 小程序 needs ICP filing?" is English. Emails, numbers and IDs do not count.
    """
    words = _NOT_WORDS.sub(" ", text)
    cjk_chars = len(_CJK.findall(words))
    latin_words = len(_LATIN_WORD.findall(words))
    if cjk_chars == 0 and latin_words == 0:
        cjk_chars, latin_words = len(_CJK.findall(text)), len(_LATIN_WORD.findall(text))
        if cjk_chars == 0 and latin_words == 0:
            return None
    return "zh" if cjk_chars / _CHARS_PER_WORD >= latin_words else "en"


# "I do not speak Chinese", "不要英文", "别用英文": a language refused, not asked for.
_REFUSED_BEFORE = re.compile(
    r"(?:\b(?:not|never|no|cannot|can't|don't|doesn't|won't)\s+(?:\w+\s+){0,2}|不要|不用|不想|别|不会|不是|没有?|不)\s*(?:再)?(?:用|说|讲|写|看)?\s*$",
    re.IGNORECASE,
)
# "use Chinese one", "use Chinese 130…", "the English version of the name": a thing qualified, not a
# language to talk in.
_QUALIFIED_AFTER = re.compile(
    r"^\s*[:：]?\s*[+＋]?[\d０-９]|^\s*(?:one|number|numbers|phone|mobile|cell|sim|card|name|names|spelling|version|company|"
    r"address|email|id|passport|号|号码|手机|电话|名|名字)\b",
    re.IGNORECASE,
)
_LANGUAGE_WORDS: tuple[tuple[Language, re.Pattern[str]], ...] = (
    ("en", re.compile(r"\benglish\b|英文|英语", re.IGNORECASE)),
    ("zh", re.compile(r"\b(?:chinese|mandarin)\b|中文|汉语|普通话|国语", re.IGNORECASE)),
)


def _meant(value: str, start: int, end: int) -> bool:
    """The language word at value[start:end] names a language wanted, not refused nor a qualifier."""
    return not (_REFUSED_BEFORE.search(value[:start]) or _QUALIFIED_AFTER.match(value[end:]))


def requested_language(text: str) -> Language | None:
    """An explicit request for a language: "please speak English", "说中文", "用英文回答"; not "I do
    not speak Chinese", "不要英文" nor "please use the Chinese one" (a phone number)."""
    value = " ".join(text.split())
    for language, patterns in (("en", (_ASK_EN, _ASK_EN_ZH)), ("zh", (_ASK_ZH,))):
        for pattern in patterns:
            for found in pattern.finditer(value):
                word = next(
                    (m for _, w in _LANGUAGE_WORDS for m in w.finditer(value, found.start(), found.end())),
                    None,
                )
                if word is None or _meant(value, found.start(), word.end()):
                    return language  # type: ignore[return-value]
    return None


def language_named(text: str) -> Language | None:
    """The language a message names as wanted ("换成英文", "language: Chinese"), if exactly one;
    refused ones ("不要英文") and qualifiers ("the Chinese number") do not count."""
    value = " ".join(text.split())
    named = {
        language
        for language, word in _LANGUAGE_WORDS
        for found in word.finditer(value)
        if _meant(value, found.start(), found.end())
    }
    return named.pop() if len(named) == 1 else None


def _is_english_sentence(words: str) -> bool:
    latin = [w.lower() for w in _LATIN_WORD.findall(words)]
    function_words = sum(w in _EN_FUNCTION for w in latin)
    return function_words >= 2 or (len(latin) >= 4 and function_words >= 1)


def _is_chinese_sentence(words: str) -> bool:
    chinese = _COMPANY_SUFFIX.sub(" ", words)
    return len(_CJK.findall(chinese)) >= 3 and bool(_ZH_FUNCTION.search(chinese))


def sentence_language(text: str) -> Language | None:
    """The language a message may switch the conversation to: an explicit request, or a whole
    sentence in that language. None for names, companies, contact details, numbers, short words."""
    requested = requested_language(text)
    if requested:
        return requested
    words = _NOT_WORDS.sub(" ", _NAME_IN_SCRIPT.sub(" ", text))
    english, chinese = _is_english_sentence(words), _is_chinese_sentence(words)
    if english and chinese:
        return detect_language(text)
    if chinese:
        return "zh"
    if english:
        return "en"
    return None


_CYRILLIC_WORD = re.compile(r"[\u0400-\u04ff]{2,}")
# A company's name in Russian or Kazakh ("ООО «Сибирь Ритейл»", "ТОО Алматы Трейд"): an answer, not a sentence.
_CYRILLIC_COMPANY = re.compile(
    r"(?<![\u0400-\u04ff])(?:ООО|ОАО|ЗАО|ПАО|АО|ИП|ТОО|НКО|ГК)(?![\u0400-\u04ff])|«[^»]{2,60}»"
)


def is_foreign(text: str) -> bool:
    """Written in a language the bot does not speak (Russian, Japanese, Korean...). A name in
    another script ("Иван Петров") is an answer, not a sentence: it takes three words."""
    cyrillic = len(_CYRILLIC_WORD.findall(text)) >= 3 and not (
        _CYRILLIC_COMPANY.search(text) and len(_CYRILLIC_WORD.findall(text)) <= 6
    )
    sentence = cyrillic or len(_KANA.findall(text)) + len(_HANGUL.findall(text)) >= 4
    foreign = len(_CYRILLIC.findall(text)) + 2 * len(_KANA.findall(text)) + 2 * len(_HANGUL.findall(text))
    known = len(_LATIN_WORD.findall(_NOT_WORDS.sub(" ", text))) * 4 + len(_CJK.findall(text))
    return sentence and foreign > known


def conversation_language(current: Language | None, text: str) -> Language | None:
    """The conversation's language after a message: a request or a whole sentence sets it; the
    first message with words sets it however short ("你好", "hi"); anything else keeps it."""
    if text.startswith("/"):  # a button's payload
        return current
    return sentence_language(text) or current or detect_language(text)
