"""A name as a person at the firm would write it: the words people put around their name in an
answer are dropped before the name is read, and titles after it is read.

- aliases: "王建国，叫我老王就行", "邓宏伟（英文名Eric）", "Mikhail 'Misha' Sokolov", "Li Ming (you can
  call me Leo)" -> the real name; "叫我小美就行，大名李美玲" -> 李美玲; an alias given alone ("叫我老张就行")
  stays the name;
- framing: "我姓刘，刘秀兰，…", "姓何，何俊", "我是行政部的，叫宋佳", "I'm the IT manager, name's Olga
  Ivanova" -> the name;
- titles: "Dr. Ivan Petrov", "田文博 高工", "张伟律师" -> the name, unless only a surname would remain
  ("王总", "王先生", "Mr. Smith" stay as given).
A name given bare in both scripts stays whole ("陈静 Jessica Chen", "伊万（Ivan Petrov）").
Word lists: bot/knowledge/names.yml."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from bot.contact_names import Problem, alternation, is_cjk, parse_name_answer

WORDS_FILE = Path(__file__).resolve().parent / "knowledge" / "names.yml"


def _load() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(WORDS_FILE.read_text(encoding="utf-8"))
    return data


WORDS = _load()


def words(key: str) -> list[str]:
    return [str(item) for item in WORDS[key]]


_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_SEP = r"[,，;；。!！?？\n]"
_CLAUSE = re.compile(r"[^,，;；。!！?？\n]+")
# "but call me Kevin", "and you can call me Leo": a joining word may come before the label.
_JOIN = r"(?:(?:but|and|or|though|so|however|但是|但|不过|可以|也可以)\s*)?"
_ALIAS = re.compile(rf"^\s*{_JOIN}{alternation(words('alias_labels'))}", re.IGNORECASE)
_REAL = re.compile(
    rf"^\s*{_JOIN}{alternation(words('real_name_labels'))}\s*(?:is|是|叫)?\s*[:：]?\s*", re.IGNORECASE
)
_GIVEN = re.compile(rf"^\s*{_JOIN}(?!叫我){alternation(words('given_labels'))}\s*[:：]?\s*", re.IGNORECASE)
# "(英文名Eric)", "(you can call me Leo)": an alias in parentheses after a name.
_ALIAS_WORDS = alternation(words("alias_labels"))
_ALIAS_PAREN = re.compile(rf"(?<=\S)\s*[(（][^()（）]*?{_ALIAS_WORDS}[^()（）]*[)）]", re.IGNORECASE)
# "Mikhail 'Misha' Sokolov", "James “Jim” Whitfield": a quoted nickname between two names.
_LETTER = r"A-Za-z\u00c0-\u024f\u0400-\u04ff"
_QUOTED = re.compile(
    rf"(?<=[{_LETTER}{_CJK}])(?:\s+[\"'‘«]|\s*[“「])\s*[{_LETTER}{_CJK}][^\"'“”‘’«»「」]{{0,20}}?[\"'”’»」]\s*(?=[{_LETTER}{_CJK},，;；。]|$)"
)
# "我姓刘" / "姓何" as a clause of its own ("姓名" is a field label, not "姓").
_SURNAME_CLAUSE = re.compile(rf"^\s*(?:我|本人)?姓(?!名)\s*(?P<surname>[{_CJK}]{{1,2}})\s*[。.]?\s*$")
_TITLE_BEFORE = re.compile(rf"^(?:{alternation(words('titles_before'))}\.?\s+)+", re.IGNORECASE)
_TITLE_AFTER = re.compile(rf"(?:\s*,)?\s+{alternation(words('titles_after'))}\.?$", re.IGNORECASE)
_TITLES_ZH = sorted(words("titles_zh"), key=len, reverse=True)


def _clauses(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group(0)) for m in _CLAUSE.finditer(text) if m.group(0).strip()]


def _without_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """The text with the clauses at `spans` removed, each with the separator before it."""
    for start, end in sorted(spans, reverse=True):
        before = text[:start]
        trimmed = re.sub(rf"\s*{_SEP}\s*$", "", before) if before.strip() else ""
        after = text[end:]
        if not trimmed:
            after = re.sub(rf"^\s*{_SEP}\s*", "", after)
        text = trimmed + after
    return text.strip()


def reframe(text: str) -> str:
    """The answer with aliases and framing words dropped, so that what is left starts with the
    name (a company may follow): "叫我小美就行，大名李美玲" -> "李美玲"."""
    value = " ".join(text.split())
    value = _QUOTED.sub(" ", value)
    before = _TITLE_BEFORE.match(value)  # "Eng. Ahmed Karimov": a full stop a name would end at
    if before and _full(re.split(_SEP, value[before.end() :])[0]):
        value = value[before.end() :]
    value = _ALIAS_PAREN.sub("", value)
    clauses = _clauses(value)
    for _, end, clause in clauses:  # the real name, said as one, wins
        real = _REAL.match(clause)
        if real and clause[real.end() :].strip():
            return (clause[real.end() :] + value[end:]).strip()
    aliases = [(start, end) for start, end, clause in clauses if _ALIAS.match(clause)]
    if aliases and len(aliases) < len(clauses):
        value = _without_spans(value, aliases)
        clauses = _clauses(value)
    surnames = []
    for start, end, clause in clauses:
        said = _SURNAME_CLAUSE.match(clause)
        if said and any(
            other.strip().startswith(said.group("surname")) for s, _, other in clauses if s != start
        ):
            surnames.append((start, end))
    if surnames:
        value = _without_spans(value, surnames)
        clauses = _clauses(value)
    if clauses and isinstance(parse_name_answer(clauses[0][2])[0], Problem):
        for start, _, clause in clauses[1:]:  # "我是行政部的，叫宋佳": the name is in a later clause
            given = _GIVEN.match(clause)
            if given and re.match(rf"\s*[{_LETTER}{_CJK}]", clause[given.end() :]):
                return value[start + given.end() :].strip()
    return value


def _full(rest: str) -> bool:
    """Whether what is left once a title is dropped is more than a surname."""
    cjk = sum(is_cjk(ch) for ch in rest)
    latin = re.findall(rf"[{_LETTER}][{_LETTER}'\-]*", rest)
    return cjk >= 2 or len(latin) >= 2 or (cjk >= 1 and len(latin) >= 1)


def _zh_title(name: str) -> str:
    """A Chinese title at the end of the name ("田文博 高工", "张伟律师"), or ""."""
    return next((t for t in _TITLES_ZH if name.endswith(t) and len(name) > len(t)), "")


def as_written(name: str) -> str:
    """The name without its titles, when a full name remains: "Dr. Ivan Petrov" -> "Ivan Petrov",
    "田文博 高工" -> "田文博"; "王总", "王先生", "Mr. Smith" stay as they are."""
    value = name.strip()
    before = _TITLE_BEFORE.match(value)
    if before and _full(value[before.end() :]):
        value = value[before.end() :]
    after = _TITLE_AFTER.search(value)
    if after and _full(value[: after.start()]):
        value = value[: after.start()]
    title = _zh_title(value)
    if title:
        rest = value[: -len(title)].rstrip()
        run = re.search(rf"[{_CJK}·]+$", rest)
        if (run and len(run.group(0)) >= 2) or (not run and _full(rest)):
            value = rest
    return value


__all__ = ["as_written", "reframe", "words"]
