"""People's names as they write them: alone (the answer to "your name?") or labelled inside a
longer message ("我叫王晓燕", "my name is Mike Zhang"); and the text helpers and word lists
(bot/knowledge/contact.yml) that bot/contact_companies.py and bot/contact.py share.

Split out of bot/contact.py (phones, emails, WeChat IDs, the public API) so that each module
stays readable: names are the largest heuristic, with their own precision rules.

Longer than 300 lines: a name alone and a name inside a sentence share one reader and its rules."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import yaml

WORDS_FILE = Path(__file__).resolve().parent / "knowledge" / "contact.yml"
MAX_NAME = 60


@dataclass(frozen=True)
class Problem:
    """What is wrong with an answer: a code the bot turns into a specific hint."""

    code: str


def _load() -> dict[str, dict[str, Any]]:
    data: dict[str, dict[str, Any]] = yaml.safe_load(WORDS_FILE.read_text(encoding="utf-8"))
    return data


WORDS = _load()


def words(section: str, key: str) -> list[str]:
    items = list(WORDS[section][key])
    if not all(isinstance(item, str) for item in items):  # YAML reads a bare no/yes/on as a boolean
        raise ValueError(f"{WORDS_FILE}: {section}.{key} must hold strings only (quote no, yes, on)")
    return items


def fold(text: str) -> str:
    """Full-width digits, letters and punctuation as ASCII (NFKC); curly apostrophes straight."""
    return unicodedata.normalize("NFKC", text).replace("\u2019", "'").replace("\u200b", "")


def normalise(text: str) -> str:
    return " ".join(fold(text).split())


def is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or "\U00020000" <= ch <= "\U0003134f"


def alternation(items: list[str]) -> str:
    """A regex matching any of the words, longest first; Latin words only as whole words."""
    parts = []
    for item in sorted(set(items), key=len, reverse=True):
        pattern = re.escape(item).replace(r"\ ", r"\s+")
        if re.match(r"[a-z]", item):
            pattern = rf"(?<![A-Za-z]){pattern}(?![A-Za-z])"
        parts.append(pattern)
    return "(?:" + "|".join(parts) + ")"


SEPARATORS = set(",;.。!?、:/|\n~～")
MARKUP = re.compile(r"<[^>]*>|[<>{}]|javascript:", re.IGNORECASE)
_LETTER = r"[A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff\u1e00-\u1eff]"
_LATIN_WORD = re.compile(rf"{_LETTER}(?:{_LETTER}|['\-](?={_LETTER}))*\.?")
_STOP_CHARS = set(WORDS["name"]["stop_chars"])
_STOP_WORDS = set(words("name", "stop_words"))
# Pinyin surnames spelt like English stop words ("Chen He", "Li An"): a name word after a name word.
_PINYIN_STOP = set(words("name", "pinyin_stop_words"))
_TITLES_FILE = Path(__file__).resolve().parent / "knowledge" / "names.yml"
# Titles of every language read as one with the name ("Sra. Lopez" like "Mrs. Wang").
_TITLES_EN = set(words("name", "titles_en")) | {
    str(t) for t in yaml.safe_load(_TITLES_FILE.read_text(encoding="utf-8"))["titles_before"]
}
_TITLES_ZH = words("name", "titles_zh")
_NOT_IN_NAMES = words("name", "not_in_names")
_FLUFF = words("name", "fluff")
_SURNAMES = set(WORDS["name"]["surnames"])
_COMPOUND = words("name", "compound_surnames")
_FAMILIAR = words("name", "familiar_prefixes")
_ROLES = set(words("name", "roles"))
_ROLE_ENDINGS = set(WORDS["name"]["role_endings"])
_GREETING = re.compile(rf"^(?:{alternation(words('name', 'greetings'))}[\s,!.~]*)+", re.IGNORECASE)
_LABEL = re.compile(
    rf"(?P<field>{alternation(words('name', 'field_labels'))}\s*:)\s*"
    rf"|(?P<strong>{alternation(words('name', 'labels'))})\s*:?\s*"
    rf"|(?P<weak>{alternation(words('name', 'weak_labels'))})\s*:?\s*",
    re.IGNORECASE,
)
_ANY_LABEL = alternation(
    words("name", "field_labels") + words("name", "labels") + words("name", "weak_labels")
)
_ANSWER_LABEL = re.compile(rf"^{_ANY_LABEL}\s*:?\s*", re.IGNORECASE)
# "我姓王，叫王晓燕" / "我姓王，叫晓燕" / "我姓王"
_SURNAME_LABEL = re.compile(r"我姓\s*(?P<rest>.*)", re.DOTALL)
_GIVEN_LABEL = re.compile(r"^[\s,、]*(?:名字叫|名字是|名叫|全名是|全名|叫|名)\s*")


@dataclass(frozen=True)
class _Read:
    name: str
    end: int  # where reading stopped
    stop: str  # "end" | "punct" (a separator) | "word" (a word no name has) | "other" (digit, symbol)


def _ends_name(text: str, end: int, parts: list[str]) -> bool:
    """A capitalised word at `end` of a Latin name and followed by nothing more of the sentence."""
    last = parts[-1].strip() if parts else ""
    return bool(re.fullmatch(r"[A-Z][a-z]+", last)) and not re.match(r"\s*[A-Za-z]", text[end:])


_SURNAME_STORY = re.compile(
    r"^(?:免贵|本人|我)?(?:复姓|姓)\s*(?P<s>[\u3400-\u9fff]{1,2}?)[\s,，、。]*(?:单名|双名|名字?|叫)(?:一个|是|叫|为)?"
    r"\s*(?P<g>[\u3400-\u9fff]{1,2}?)(?:字)?[\s。.!！]*$"
)


def is_surname(text: str) -> bool:
    """Whether a text is a Chinese surname alone ("周", "欧阳")."""
    return text in _SURNAMES or text in _COMPOUND


def _read_name(text: str, start: int, *, capitalised: bool) -> _Read:
    """Reads a name from text[start:]: Chinese runs, Latin/Cyrillic words, one "(alias)"."""
    parts: list[str] = []
    i = start
    while True:
        j = i
        while j < len(text) and text[j] in " \t":
            j += 1
        if j >= len(text):
            return _Read("".join(parts), len(text), "end")
        ch, sep = text[j], (" " if j > i and parts else "")
        if is_cjk(ch) or (ch in "·•" and parts):
            k = j
            while k < len(text) and (is_cjk(text[k]) or text[k] in "·•") and text[k] not in _STOP_CHARS:
                k += 1
            run = text[j:k]
            fluff = next((f for f in _FLUFF if run.endswith(f) and len(run) > len(f) + 1), "")
            if fluff:
                return _Read("".join(parts) + sep + run[: -len(fluff)], k - len(fluff), "word")
            if not run:
                return _Read("".join(parts), j, "word")
            parts.append(sep + run)
            i = k
            continue
        match = _LATIN_WORD.match(text, j)
        if match:
            word = match.group(0)
            key = word.lower().rstrip(".")
            surname = key in _PINYIN_STOP and word[0].isupper() and _ends_name(text, j + len(word), parts)
            if (key in _STOP_WORDS and not surname) or (
                capitalised and not word[0].isupper() and key not in _TITLES_EN
            ):
                return _Read("".join(parts), j, "word")
            if word.endswith(".") and key not in _TITLES_EN and len(key) > 1:
                word = word[:-1]
            parts.append(sep + word)
            i = j + len(word)
            continue
        close = text.find(")", j)
        if ch == "(" and parts and close > j + 1:
            inner = _read_name(text[j + 1 : close], 0, capitalised=capitalised)
            if inner.name and inner.stop == "end":
                parts.append(f" ({inner.name.strip()})")
                i = close + 1
                continue
        return _Read("".join(parts), j, "punct" if ch in SEPARATORS else "other")


def _check(name: str, *, surname_only: bool = False) -> str | Problem:
    if len(name) > MAX_NAME:
        return Problem("name_too_long")
    if sum(ch.isalpha() for ch in name) < 2 and not surname_only:
        return Problem("name_too_short")
    runs = re.findall(r"[\u3400-\u9fff\uf900-\ufaff]+", name)
    if any(len(run) > 6 for run in runs) or len(_LATIN_WORD.findall(name)) > 6:
        return Problem("name_invalid")
    if any(word in name for word in _NOT_IN_NAMES):
        return Problem("name_invalid")
    return name


def _is_fluff(text: str) -> bool:
    rest = re.sub(r"[\s,.!?。、~]+", " ", text.lower()).strip()
    while rest:
        found = next((f for f in _FLUFF if rest.startswith(f)), None)
        if found is None:
            return False
        rest = rest[len(found) :].strip()
    return True


def _given_after_surname(text: str) -> tuple[str, str] | None:
    """The surname and the rest after "我姓": "王，叫晓燕" -> ("王", "，叫晓燕")."""
    size = 2 if text[:2] in _COMPOUND else 1
    if not text or not is_cjk(text[0]):
        return None
    return text[:size], text[size:]


def _surname_answer(rest: str, *, capitalised: bool) -> str | None:
    split = _given_after_surname(rest)
    if split is None:
        return None
    surname, after = split
    given = _GIVEN_LABEL.match(after)
    if given:
        read = _read_name(after, given.end(), capitalised=capitalised)
        if read.name:
            return read.name if read.name.startswith(surname) else surname + read.name
    return surname


def parse_name_answer(text: str, rest_ok: Callable[[str], bool] | None = None) -> tuple[str | Problem, str]:
    """The answer to "your name?", and the text after the name (a company, a phone) for the caller;
    `rest_ok` says whether such a text may follow a name directly ("张伟 不凡科技有限公司")."""
    value = _GREETING.sub("", normalise(text)).strip(" ,")
    if not value:
        return Problem("name_missing"), ""
    if MARKUP.search(value):
        return Problem("name_invalid"), ""
    story = _SURNAME_STORY.match(value)  # "免贵复姓欧阳，单名一个雪", "姓王，名建国"
    if story:
        return _check(story.group("s") + story.group("g")), ""
    value = re.sub(r"^免贵\s*(?=姓)", "我", value)  # "免贵姓王" (the polite "my humble surname")
    if value.startswith("我姓"):
        if not is_cjk(value[2:].strip()[:1]):  # "我姓Guo，郭，郭子涵": the Chinese full name after it
            full = [run for run in re.findall(r"[\u3400-\u9fff]{2,4}", value) if _plausible(run, weak=False)]
            return (_check(full[-1]) if full else Problem("name_invalid")), ""
        surname = _surname_answer(value[2:].strip(), capitalised=False)
        return (_check(surname, surname_only=True) if surname else Problem("name_invalid")), ""
    value = _ANSWER_LABEL.sub("", value, count=1)
    if not value:
        return Problem("name_missing"), ""
    contact = re.search(r"[A-Za-z0-9._%+'\-]+@|[+(]?\d", value)  # an email or a number ends the name
    read = _read_name(value[: contact.start()] if contact else value, 0, capitalised=False)
    rest, stop = value[read.end :], ("other" if contact and read.stop == "end" else read.stop)
    if not read.name.strip():
        return Problem("name_too_short" if len(value) == 1 else "name_invalid"), rest
    if stop in ("word", "other") and not (
        _is_fluff(rest) or _has_contact(rest) or (rest_ok and rest_ok(rest))
    ):
        return Problem("name_invalid"), rest
    return _check(read.name.strip()), rest


def _has_contact(text: str) -> bool:
    return "@" in text or len(re.findall(r"\d", text)) >= 7


def _core(name: str) -> tuple[str, str]:
    """A Chinese name without its title: "王先生" -> ("王", "先生")."""
    title = next((t for t in _TITLES_ZH if name.endswith(t) and len(name) > len(t)), "")
    return name[: len(name) - len(title)], title


def _starts_with_surname(core: str) -> bool:
    if any(core.startswith(c) for c in _COMPOUND):
        return True
    if len(core) >= 2 and core[0] in _FAMILIAR and core[1] in _SURNAMES:
        return True
    return core[:1] in _SURNAMES


def _plausible(name: str, *, weak: bool) -> bool:
    """Whether a name read from a free message is clearly a name (precision over recall)."""
    latin = _LATIN_WORD.findall(name)
    cjk = re.findall(r"[\u3400-\u9fff\uf900-\ufaff·•]+", name)
    if len(latin) > 4 or len(cjk) > 1 or isinstance(_check(name), Problem):
        return False
    if not cjk:
        return len(latin) >= (2 if weak else 1)
    run = cjk[0]
    if "·" in run or "•" in run:
        return not weak or bool(latin)
    core, title = _core(run)
    compound = any(core.startswith(c) for c in _COMPOUND)
    if len(core) > (4 if compound else 3) or (len(core) < 2 and not title):
        return False
    if weak and not latin:
        return (
            _starts_with_surname(core)
            and core not in _ROLES
            and (bool(title) or core[-1] not in _ROLE_ENDINGS)
        )
    return True


def find_name(text: str) -> str | None:
    """A name the user clearly gives in a free message: labelled ("我叫…", "my name is…",
    "姓名：…", "我是王晓燕", "I'm Zhang Wei"), never guessed from an ordinary sentence."""
    value = fold(text)
    at = value.find("我姓")
    if at >= 0:
        name = _surname_answer(value[at + 2 :].lstrip(), capitalised=True)
        if name and len(name) >= 2 and _plausible(name, weak=False):
            return name
    for label in _LABEL.finditer(value):
        weak = label.group("weak") is not None
        before = value[: label.start()].rstrip()
        if weak and re.match(r"[a-z]", label.group(0), re.IGNORECASE):
            before = _GREETING.sub("", before.split(",")[-1].split(".")[-1].strip())
            if before:  # "I'm" and "this is" introduce a name only at the start of a sentence
                continue
        read = _read_name(value, label.end(), capitalised=weak or label.group("field") is not None)
        name = read.name.strip()
        if name and value[read.end : read.end + 1] != "的" and _plausible(name, weak=weak):
            return name
    return None


def looks_like_name(text: str) -> bool:
    """Whether a short text on its own is clearly a name ("王晓燕", "Mike Zhang")."""
    value = normalise(text).strip(" ,.;")
    read = _read_name(value, 0, capitalised=True)
    return bool(read.name) and read.stop == "end" and _plausible(read.name.strip(), weak=True)
