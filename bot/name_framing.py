"""A name as a person at the firm would write it: the words people put around their name in an
answer are dropped before the name is read, and titles after it is read.

Longer than 300 lines: every way of framing a name is read here, in one order (reframe), so that
bot/person.py and bot/name_corrections.py write names alike; splitting the steps would split that
order across modules.

- aliases: "王建国，叫我老王就行", "邓宏伟（叫我小邓）", "Mikhail 'Misha' Sokolov", "Li Ming (you can
  call me Leo)" -> the real name; "叫我小美就行，大名李美玲" -> 李美玲; an alias given alone ("叫我老张就行")
  stays the name;
- framing: "我姓刘，刘秀兰，…", "姓何，何俊", "我是行政部的，叫宋佳", "I'm the IT manager, name's Olga
  Ivanova" -> the name;
- titles: "Dr. Ivan Petrov", "田文博 高工", "张伟律师" -> the name, unless only a surname would remain
  ("王总", "王先生", "Mr. Smith" stay as given).
- a role or department before the name ("我是创始人，…", "信息科的，我叫…", "CTO here, …"), how a
  character is written ("歌曲的曲") and a name taken back within the answer ("王总就行……哦要全名是吧，…")
  are dropped;
- a name in both scripts is ONE form, the Chinese-script name first and the Latin-script name in
  full-width parentheses: "Wang Lei 王磊", "陈静 Jessica Chen", "Li Ming，中文名李明" -> "王磊（Wang Lei）",
  ...; one Latin given name is kept so when it is the only Latin name ("Kevin 赵凯", "Leo，中文名郑立" ->
  "赵凯（Kevin）", "郑立（Leo）"); a nickname beside the full names ("call me Jenny", "老谢", "english name
  Eric") is dropped, and so is a parenthesis in the name's own script ("Mikhail (Misha) Orlov");
- an address form before the full name with its surname ("刘女士，刘桂芝", "老马 马德胜", "Mr. Wang, Wang
  Tao") and a role beside the name without a comma ("财务部 赵敏", "王磊 技术部") are dropped.
Word lists: bot/knowledge/names.yml."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.contact_names import Problem, alternation, is_cjk, is_surname, looks_like_name, parse_name_answer

WORDS_FILE = Path(__file__).resolve().parent / "knowledge" / "names.yml"


def _load() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(WORDS_FILE.read_text(encoding="utf-8"))
    return data


WORDS = _load()


def words(key: str) -> list[str]:
    return [str(item) for item in WORDS[key]]


_CJK = r"\u3400-\u9fff\uf900-\ufaff"
# Clauses end at punctuation, at an ellipsis ("王总就行……全名…") and at a dash between spaces.
# A full stop ends a clause after a word ("Pavel Orlov. My Chinese name is 帕维尔"), not after an
# initial or a title ("J. Smith", "Dr. Wei Zhang").
_SEP = (
    r"(?:[,，;；。!！?？\n～~]|…+|\.{2,}|\s+[—–-]+\s+|[—–]+|\s*[/／]\s*"
    r"|(?<![A-Z][a-z])(?<![A-Z][a-z]{2})(?<=[a-z]{2})\.\s+(?=[A-Z]))"
)
# "but call me Kevin", "and you can call me Leo": a joining word may come before the label.
_JOIN = r"(?:(?:but|and|or|though|so|however|但是|但|不过|可以|也可以)\s*)?"
_ALIAS = re.compile(rf"^\s*{_JOIN}{alternation(words('alias_labels'))}", re.IGNORECASE)
_REDO_LEAD = r"(?:(?:ok|okay|oh|sorry|so|哦|噢|喔|好|好的|那)\s*[,，]?\s*)?"
_REAL = re.compile(
    rf"^\s*{_REDO_LEAD}{_JOIN}{alternation(words('real_name_labels'))}\s*(?:is|是|叫)?\s*[:：]?\s*",
    re.IGNORECASE,
)
_GIVEN = re.compile(rf"^\s*{_JOIN}(?!叫我){alternation(words('given_labels'))}\s*[:：]?\s*", re.IGNORECASE)
# "(英文名Eric)", "(you can call me Leo)": an alias in parentheses after a name.
_ALIAS_WORDS = alternation(words("alias_labels"))
_ALIAS_PAREN = re.compile(rf"(?<=\S)\s*[(（][^()（）]*?{_ALIAS_WORDS}[^()（）]*[)）]", re.IGNORECASE)
# "foreigners call me Jenny", "中国同事都叫我老谢": an alias said by others, in a clause of its own.
_CALLED = re.compile(
    r"^\s*(?:[\w\s]{1,40}?\s)?(?:call|calls)\s+me\b|^\s*[\u3400-\u9fff]{1,8}?(?:都|也|一般|平时)?(?:叫我|喊我|称呼我)",
    re.IGNORECASE,
)


def _alias_paren(found: re.Match[str]) -> str:
    """An alias in parentheses is dropped, a full name in the other script kept ("(英文名 Kevin Zhou)")."""
    inner = re.sub(r"^\s*[(（]|[)）]\s*$", "", found.group(0).strip())
    named = _scripted(inner)
    if named and (len(named.latin.split()) >= 2 or named.cjk or (named.latin and named.labelled)):
        return f" ({named.cjk or named.latin})"
    return ""


# "Mikhail 'Misha' Sokolov", "James “Jim” Whitfield": a quoted nickname between two names.
_LETTER = r"A-Za-z\u00c0-\u024f\u0400-\u04ff"
_QUOTED = re.compile(
    rf"(?<=[{_LETTER}{_CJK}])(?:\s+[\"'‘«]|\s*[“「])\s*[{_LETTER}{_CJK}][^\"'“”‘’«»「」]{{0,20}}?[\"'”’»」]\s*(?=[{_LETTER}{_CJK},，;；。]|$)"
)
# "我姓刘" / "姓何" as a clause of its own ("姓名" is a field label, not "姓").
_SURNAME_CLAUSE = re.compile(rf"^\s*(?:我|本人|敝|免贵)?姓(?!名)\s*(?P<surname>[{_CJK}]{{1,2}})\s*[。.]?\s*$")
_TITLE_BEFORE = re.compile(rf"^(?:{alternation(words('titles_before'))}\.?\s+)+", re.IGNORECASE)
_TITLE_AFTER = re.compile(rf"(?:\s*,)?\s+{alternation(words('titles_after'))}\.?$", re.IGNORECASE)
_TITLES_ZH = sorted(words("titles_zh"), key=len, reverse=True)


def _clauses(text: str) -> list[tuple[int, int, str]]:
    found, start = [], 0
    for sep in [*re.finditer(_SEP, text), None]:
        end = sep.start() if sep else len(text)
        if text[start:end].strip():
            found.append((start, end, text[start:end]))
        start = sep.end() if sep else end
    return found


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


# -- a name taken back ("王总就行……哦要全名是吧，王海峰")

_REDO_ZH = sorted(words("redo_zh"), key=len, reverse=True)
_REDO_EN = {w.lower() for w in words("redo_en")}
_REDO_NEEDS = re.compile(alternation(words("redo_needs")), re.IGNORECASE)


def _is_redo(clause: str) -> bool:
    """Whether a clause only asks for the full name again: "哦要全名是吧", "ok, full name then"."""
    value = clause.strip().lower()
    if not _REDO_NEEDS.search(value):
        return False
    if re.search(rf"[{_CJK}]", value):
        while value:
            value = value.lstrip(" ~")
            token = next((t for t in _REDO_ZH if value.startswith(t)), None)
            if token is None:
                return not value
            value = value[len(token) :]
        return True
    return all(w in _REDO_EN for w in re.findall(r"[a-z']+", value))


def _after_redo(value: str) -> str:
    """What follows the last clause that asks for the full name, when a name follows it."""
    clauses = _clauses(value)
    for index in range(len(clauses) - 2, -1, -1):
        if _is_redo(clauses[index][2]):
            return value[clauses[index + 1][0] :].strip()
    return value


# -- a role or a department before the name ("我是创始人，…", "CTO here, …")

_ROLES_ZH = sorted(words("roles_zh"), key=len, reverse=True)
_DEPT_ZH = sorted(words("dept_endings_zh"), key=len, reverse=True)
_ROLE_ENDINGS_ZH = sorted(words("role_endings_zh"), key=len, reverse=True)
_ROLE_FRAME_ZH = re.compile(rf"^(?:{alternation(words('role_frames_zh'))})")
_ROLE_AFTER_ZH = re.compile(rf"(?:{alternation(words('role_after_zh'))})$")
_ROLES_EN = {w.lower() for w in words("roles_en")}
_ROLE_FRAME_EN = re.compile(rf"^(?:{alternation(words('role_frames_en'))})\s*", re.IGNORECASE)


def _work_word(stem: str) -> bool:
    """A stem before a title noun that is no name: not name-like, or a common word ("项目", "区域"
    are words of jieba's dictionary; "宋志远" is not)."""
    if not looks_like_name(stem):
        return True
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return (jieba.get_FREQ(stem) or 0) >= 1000


def _role_words_zh(rest: str) -> bool:
    if not rest:
        return True
    for role in _ROLES_ZH:
        if rest.upper().startswith(role.upper()) and _role_words_zh(rest[len(role) :]):
            return True
    for size in range(2, min(len(rest), 7)):
        ending = next((e for e in _DEPT_ZH if rest[size:].startswith(e)), None)
        stem = re.fullmatch(rf"[{_CJK}A-Za-z]+", rest[:size])
        if ending and stem and _role_words_zh(rest[size + len(ending) :]):
            return True
    origin = re.match(rf"[{_CJK}]{{2,6}}人", rest)  # where the person is from ("东宁人", "哈尔滨本地人")
    if origin and _role_words_zh(rest[origin.end() :]):
        return True
    for size in range(2, min(len(rest), 5) + 1):  # "项目经理", "区域总监"
        ending = next((e for e in _ROLE_ENDINGS_ZH if rest[size:].startswith(e)), None)
        stem = re.fullmatch(rf"[{_CJK}]+", rest[:size])
        if ending and stem and _work_word(stem.group()) and _role_words_zh(rest[size + len(ending) :]):
            return True  # not "宋志远经理": a name with a title
    return False


def is_role(clause: str) -> bool:
    """Whether a clause says only what the person does or where ("人事总监", "信息科的", "我是创始人",
    "CTO here", "I'm the head of legal"), which is no name."""
    value = clause.strip()
    if re.search(rf"[{_CJK}]", value):
        tokens = value.split()  # "王磊 技术部": a name beside the department
        if len(tokens) > 1 and any(looks_like_name(t) and not is_role(t) for t in tokens):
            return False
        value = _ROLE_FRAME_ZH.sub("", re.sub(r"\s+", "", value))
        value = _ROLE_AFTER_ZH.sub("", value)
        return bool(value) and _role_words_zh(value)
    if re.fullmatch(r"[B-DF-HJ-NP-TV-Z]{2,5}", value):
        return True  # an acronym of a job, with no vowel as no name has ("HRBP", "PM", "BD")
    value = _ROLE_FRAME_EN.sub("", value.lower())
    found = re.findall(r"[a-z][a-z\-]*", value)
    return (
        bool(found)
        and all(w in _ROLES_EN for w in found)
        and any(w not in ("the", "a", "an", "of", "and", "our", "from", "here", "speaking") for w in found)
    )


def _role_then_name(clause: str) -> str | None:
    """The name after a role in one run of characters: "我是技术总监王磊" -> "王磊"."""
    value = _ROLE_FRAME_ZH.sub("", clause.strip())
    for size in range(len(value) - 2, 1, -1):
        name = value[size:]
        if len(name) <= 4 and _role_words_zh(value[:size]) and looks_like_name(name):
            return name
    return None


def _named(text: str) -> bool:
    text = re.sub(r"\s*[（(][^）)（(]*[）)]\s*$", "", text) or text  # "贺晨（Chen He）": the name before
    return (
        not isinstance(parse_name_answer(text)[0], Problem)
        or _scripted(text) is not None
        or _address_surname(text) is not None
    )


def _role_tokens(clause: str) -> str:
    """A clause without a role said beside the name with no comma: "财务部 赵敏", "孙浩然 信息科的",
    "HR 杨女士", "Olga Ivanova head of legal" -> the name."""
    # a name in both scripts stays one token ("法务 贺晨（Chen He）")
    tokens = [
        t.replace("\u00a0", " ")
        for t in re.sub(r"[（(][^）)（(]*[）)]", lambda m: m.group().replace(" ", "\u00a0"), clause).split()
    ]
    for k in range(len(tokens) - 1, 0, -1):
        rest = _GIVEN.sub("", " ".join(tokens[k:]), count=1)  # "我是他妈妈 叫刘桂芝"
        if is_role(" ".join(tokens[:k])) and _named(rest):
            return rest
    for k in range(1, len(tokens)):
        head = " ".join(tokens[:k])
        latin_only = not re.search(rf"[{_CJK}]", head)
        if latin_only and len(_LATIN_NAME_WORD.findall(head)) < 2:
            continue  # "Anna Head": one Latin word is too little to tell a name from a role
        if is_role(" ".join(tokens[k:])) and _named(head):
            return head
    return clause


def _without_roles(value: str) -> str:
    for start, end, clause in reversed(_clauses(value)):
        value = value[:start] + _role_tokens(clause.strip()) + value[end:]
    clauses = _clauses(value)
    if clauses and re.fullmatch(rf"[{_CJK}A-Za-z]+", clauses[0][2].strip()):
        name = _role_then_name(clauses[0][2])
        if name:
            return name + value[clauses[0][1] :]
    index = 0
    while index < len(clauses) - 1 and is_role(clauses[index][2]):
        index += 1
    if index == 0:
        return value
    rest = value[clauses[index][0] :].strip()
    given = _GIVEN.match(rest)
    if given and re.match(rf"\s*[{_LETTER}{_CJK}]", rest[given.end() :]):
        rest = rest[given.end() :].strip()
    first = _clauses(rest)[0][2]
    named = not isinstance(parse_name_answer(first)[0], Problem) or _scripted(first)
    return rest if named or _SURNAME_CLAUSE.match(first) else value


# -- an address form before the full name ("刘女士，刘桂芝", "老马 马德胜", "Mr. Wang, Wang Tao")

_ADDRESS_ZH = re.compile(
    rf"^(?:[老小阿](?P<a>[{_CJK}])|(?P<b>[{_CJK}]{{1,2}}?)"
    rf"{alternation(words('titles_zh') + words('address_zh'))})$"
)
_ADDRESS_EN = re.compile(
    rf"^{alternation(words('titles_before'))}\.?\s+(?P<c>[{_LETTER}][{_LETTER}'\-]*)$", re.IGNORECASE
)


def _address_surname(text: str) -> str | None:
    """The surname in an address form ("刘女士" -> "刘", "老马" -> "马", "Mr. Wang" -> "Wang")."""
    value = text.strip()
    found = _ADDRESS_ZH.match(value) or _ADDRESS_EN.match(value)
    if found is None:
        return None
    return found.group("c") if "c" in found.groupdict() else (found.group("a") or found.group("b"))


def _names_surname(text: str, surname: str) -> bool:
    """Whether a text holds a full name with that surname."""
    if is_cjk(surname[0]):
        runs = re.findall(rf"[{_CJK}]+", _GIVEN.sub("", text, count=1))  # "我叫白志刚" names 白
        return any(run.startswith(surname) and len(run) > len(surname) for run in runs)
    latin = [w.lower() for w in _LATIN_NAME_WORD.findall(text)]
    return len(latin) >= 2 and surname.lower() in latin


def _without_address(value: str) -> str:
    clauses = _clauses(value)
    if not clauses:
        return value
    start, end, first = clauses[0]
    head, _, tail = first.strip().partition(" ")
    surname = _address_surname(head)
    if surname and is_cjk(surname[0]) and tail.strip() and _names_surname(tail, surname) and _named(tail):
        return (tail + value[end:]).strip()  # "老马 马德胜"
    surname = _address_surname(first)
    if surname is None:  # "我是商务部的小郑，郑雨桐": the address form ends the clause
        ending = re.search(rf"[老小阿](?P<s>[{_CJK}])\s*$", first)
        surname = ending.group("s") if ending else None
    if surname and len(clauses) > 1 and _names_surname(clauses[1][2], surname):
        return value[clauses[1][0] :].strip()
    return value


# -- how a character is written ("歌曲的曲", "王字旁那个玮", "弓长张")

EXPLAINED = re.compile(
    rf"(?:[{_CJK}]{{1,5}}(?:的|那个的|那个)|[{_CJK}]{{1,3}}(?:旁|头|底)(?:的|那个)?)(?P<char>[{_CJK}])字?"
    rf"|(?:{alternation(words('explained_zh'))})"
)


def explained_char(text: str) -> str | None:
    """The character a clause explains ("冬天的冬" -> "冬"), or None when it is no explanation."""
    value = re.sub(r"\s+", "", text)
    found = EXPLAINED.fullmatch(value)
    if found is None:
        return None
    return found.group("char") or value[-1]


def _without_explanations(value: str) -> str:
    clauses = _clauses(value)
    spans = []
    for index, (start, end, clause) in enumerate(clauses):
        char = explained_char(clause)
        others = [c for i, (_, _, c) in enumerate(clauses) if i != index and explained_char(c) is None]
        if index and char and any(char in other for other in others):
            spans.append((start, end))
    return _without_spans(value, spans) if spans else value


# -- a name in both scripts ("Li Ming，中文名李明", "英文名Kevin Zhou，中文叫周凯")

_SCRIPT_BEFORE = re.compile(
    rf"^\s*{_JOIN}(?:{alternation(words('script_labels_before'))})\s*(?:is|是|叫|:|：)?\s*", re.I
)
_SCRIPT_AFTER = re.compile(rf"\s*(?:{alternation(words('script_labels_after'))})\s*$", re.IGNORECASE)
_COMPANY_WORDS = {w.lower() for w in words("company_words_en")}
_NOT_NAMES = {w.lower() for w in words("not_names")}
_LATIN_NAME_WORD = re.compile(rf"[{_LETTER}][{_LETTER}'\-]*")
_GIVEN_NAMES = {w.lower() for w in words("given_names")}
_NICKNAME_ZH = re.compile(rf"^(?:[老小阿][{_CJK}]|[{_CJK}]{{1,2}}(?:总|哥|姐|工|叔|姨))$")


@dataclass(frozen=True)
class _Scripted:
    cjk: str
    latin: str
    labelled: bool


def _scripted(clause: str, *, trusted: bool = False) -> _Scripted | None:
    """The name a clause gives in one script only, with what says which script it is dropped;
    `trusted`: a Chinese-script run counts even when it starts with no common surname ("彼得")."""
    value = clause.strip()
    given = _GIVEN.match(value)
    if given:
        value = value[given.end() :]
    labelled = False
    for pattern in (_SCRIPT_BEFORE, _SCRIPT_AFTER):
        value, count = pattern.subn("", value)
        labelled = labelled or count > 0
    value = re.sub(r"^(?:or|或者|或)\s*", "", value.strip(" \"'“”.。!！"), flags=re.IGNORECASE)  # "or 陈立奥"
    if re.fullmatch(rf"[{_CJK}·•]+", value):
        size = len(value.replace("·", "").replace("•", ""))
        if size < 2 or size > 8 or _NICKNAME_ZH.match(value) or value in _NOT_NAMES:
            return None
        if not (labelled or trusted or "·" in value or looks_like_name(value)):
            return None
        return _Scripted(value, "", labelled)
    found = _LATIN_NAME_WORD.findall(value)
    if not found or " ".join(found) != " ".join(value.split()) or len(found) > 4:
        return None
    if any(w.lower() in _COMPANY_WORDS | _NOT_NAMES for w in found) or not all(w[0].isupper() for w in found):
        return None
    if len(found) == 1 and len(found[0]) > 1 and found[0].isupper() and found[0].lower() not in _GIVEN_NAMES:
        return None  # "于小楠 HRBP": an acronym, not a name
    return _Scripted("", " ".join(found), labelled)


# A script label or an alias after a space starts a clause of its own ("许文博 英文名Vincent",
# "赵立新 英文名Leo 公司里都叫我Leo").
_SCRIPT_AFTER_SPACE = re.compile(
    rf"(?<=[^\s,，;；。、.!?！？:：])\s+(?=(?:{alternation([w for w in words('script_labels_before') if is_cjk(w[0])])})"
    r"|[\u3400-\u9fff]{0,8}?(?:都|也)?(?:叫我|喊我|称呼我))",
    re.IGNORECASE,
)
# A bracket that starts with a script label is a clause of its own, wherever it stands.
_SCRIPT_PAREN = re.compile(
    rf"\s*[(（]\s*((?:{alternation(words('script_labels_before'))})[^()（）]*)[)）]", re.IGNORECASE
)
# "Bob也行", "Leo就行": a Latin name offered beside the name given.
_LATIN_OFFERED = re.compile(r"^\s*([A-Z][A-Za-z'\-]+)\s*(?:也行|也可以|也成|就行|都行|也ok|也OK)\s*$")
_ALIAS_TAIL = re.compile(r"\s*(?:就行|就好|就可以|也行|也可以|吧|就成)?\s*$")


def _latin_alias(value: str) -> str:
    """A name with the one name in the other script the user also goes by, as one ("宋博，Bob也行",
    "曲志刚，俄罗斯那边都叫我Gosha" -> "曲志刚 (Gosha)", "Olga Petrova, Chinese friends call me 奥莉加" ->
    "奥莉加 (Olga Petrova)"): firms may hear either. A Chinese nickname ("小胡") is no such name."""
    clauses = _clauses(value)
    first = _scripted(clauses[0][2]) if len(clauses) > 1 else None
    if first is None or not (first.cjk or len(first.latin.split()) >= 2):
        return value
    found: list[tuple[int, int, str]] = []
    for start, end, clause in clauses[1:]:
        offered = _LATIN_OFFERED.match(clause)
        label = _ALIAS.match(clause) or _CALLED.match(clause)
        other = (
            offered.group(1)
            if offered
            else (_ALIAS_TAIL.sub("", clause[label.end() :]).strip() if label else "")
        )
        if not other:
            continue
        if first.cjk:
            if _LATIN_NAME_WORD.fullmatch(other) and other[0].isupper() and other.lower() not in _NOT_NAMES:
                found.append((start, end, other))
        elif (named := _scripted(other, trusted=True)) and named.cjk:
            found.append((start, end, named.cjk))
    if len({other for *_, other in found}) != 1:
        return value
    start, end, _ = clauses[0]
    both = f"{first.cjk} ({found[0][2]})" if first.cjk else f"{found[0][2]} ({first.latin})"
    merged = value[:start] + both + value[end:]
    shift = len(merged) - len(value)
    return _without_spans(merged, [(s + shift, e + shift) for s, e, _ in found])


def _paired(value: str) -> str:
    """The two scripts' names given in two clauses, as one ("李明 (Li Ming)"), the other dropped."""
    clauses = _clauses(value)
    first = next(((i, s) for i, (_, _, c) in enumerate(clauses) if (s := _scripted(c))), None)
    full_latin = bool(first) and len(first[1].latin.split()) >= 2  # type: ignore[index]
    # "彼得，俄文名 Pyotr Orlov", "我叫娜塔莎，Natalia Smirnova"
    if first and first[0] == 1 and first[1].latin and (first[1].labelled or full_latin):
        lead = _scripted(clauses[0][2], trusted=True)
        first = (0, lead) if lead and lead.cjk else first
    if first is None or (first[0] and not is_role(clauses[0][2]) and not _scripted(clauses[0][2])):
        return value
    index, name = first
    # beside a full Latin name, a Chinese-script run of its own is the Chinese name ("Olga Petrenko / 奥尔加")
    trusted = len(name.latin.split()) >= 2
    others = [
        (o, found)
        for o in range(index + 1, len(clauses))
        if not is_role(clauses[o][2])
        and not _CALLED.match(clauses[o][2])  # "中国朋友叫我老季": _latin_alias reads those
        and (found := _scripted(clauses[o][2], trusted=trusted))
    ]
    latins = [found.latin for _, found in [first, *others] if found.latin]
    for other, found in others:
        latin = found.latin if name.cjk else name.latin
        cjk = found.cjk if name.latin else name.cjk
        # One Latin word ("Leo，中文名郑立") only when labelled or a given name, and no full one is given.
        single = len(latins) == 1 and (name.labelled or found.labelled or latin.lower() in _GIVEN_NAMES)
        if cjk and (len(latin.split()) >= 2 or (latin and single)):
            start, end, _ = clauses[index]
            merged = value[:start] + f"{cjk} ({latin})" + value[end:]
            shift = len(merged) - len(value)
            o_start, o_end, _ = clauses[other]
            return _without_spans(merged, [(o_start + shift, o_end + shift)])
    return value


def _with_latin(real: str, before: list[tuple[int, int, str]]) -> str:
    """The real name with the one Latin name said before it ("我叫 Miko，真名曲明可" -> "曲明可 (Miko)");
    an alias ("叫我…", "call me …") is no such name."""
    found = _scripted(real)
    said = [
        named
        for _, _, clause in before
        if not (_ALIAS.match(clause) or _CALLED.match(clause)) and (named := _scripted(clause, trusted=True))
    ]
    latins, cjks = [n.latin for n in said if n.latin], [n.cjk for n in said if n.cjk]
    if found and found.cjk and len(latins) == 1:
        return f"{found.cjk} ({latins[0]})"
    if found and len(found.latin.split()) >= 2 and len(cjks) == 1:  # "我叫伊琳娜，全名 Irina Volkova"
        return f"{cjks[0]} ({found.latin})"
    return real


_ANONYMOUS = re.compile(
    r"匿名|不留名|不想留名|不留真名|\banonymous(?:ly)?\b|\bwithout (?:my|a|giving (?:my|a)) name\b", re.I
)
# "Eric 王 / 王一凡": a Latin given name with the Chinese surname, beside the full Chinese name
_GIVEN_SURNAME = re.compile(rf"^\s*(?P<latin>[A-Z][a-z]+)\s*(?P<surname>[{_CJK}])\s*$")


def _given_and_surname(value: str) -> str:
    clauses = _clauses(value)
    for start, _end, clause in clauses:
        found = _GIVEN_SURNAME.match(clause)
        full = found and next(
            (
                other.strip()
                for s, _, other in clauses
                if s != start
                and re.fullmatch(rf"[{_CJK}]{{2,4}}", other.strip())
                and other.strip().startswith(found.group("surname"))
            ),
            None,
        )
        if found and full:
            return f"{full} ({found.group('latin')})"
    return value


def reframe(text: str) -> str:
    """The answer with aliases and framing words dropped, so that what is left starts with the
    name (a company may follow): "叫我小美就行，大名李美玲" -> "李美玲"."""
    value = " ".join(text.split())
    value = _QUOTED.sub(" ", value)
    before = _TITLE_BEFORE.match(value)  # "Eng. Ahmed Karimov": a full stop a name would end at
    if before and _full(re.split(_SEP, value[before.end() :])[0]):
        value = value[before.end() :]
    value = _ALIAS_PAREN.sub(_alias_paren, value)
    value = _SCRIPT_PAREN.sub(r"，\1", value)  # "…, coordinator (in Chinese documents 尤利娅)"
    value = _SCRIPT_BEFORE.sub("", value, count=1)  # "英文名 Tom Lee": the label is no name
    # "Mitch (Mitchell Hayes)": a short form, then the full name in brackets
    short = re.fullmatch(r"\s*([A-Z][a-z]+)\s*[(（]\s*(\1[a-z]*\s+[A-Z][\w'\-]+)\s*[)）]\s*", value)
    if short:
        value = short.group(2)
    # "我是五常的曹大勇": where the person is from, then the name
    origin = re.fullmatch(
        rf"\s*(?:我是|我就是|本人是)[{_CJK}]{{1,8}}?的(?P<n>[{_CJK}]{{2,4}})[。.]?\s*", value
    )
    if origin and looks_like_name(origin.group("n")):
        value = origin.group("n")
    given = _GIVEN.match(value)  # "写陈薇（Vivian）", "我叫王芳"
    if given and re.match(rf"\s*[{_CJK}]", value[given.end() :]):
        value = value[given.end() :]
    # "匿名可以吗……算了 刘洋": what comes after "never mind" is the answer
    dropped = list(re.finditer(r"(?:还是)?算了[\s,，。.…!！]*", value))
    if dropped and value[dropped[-1].end() :].strip():
        value = value[dropped[-1].end() :]
    value = _after_redo(value)
    clauses = _clauses(value)
    for index, (_, end, clause) in enumerate(clauses):  # the real name, said as one, wins
        real = _REAL.match(clause)
        if real and clause[real.end() :].strip():
            value = (_with_latin(clause[real.end() :], clauses[:index]) + value[end:]).strip()
            break
    value = _given_and_surname(value)
    clauses = _clauses(value)
    unnamed = [(start, end) for start, end, clause in clauses if _ANONYMOUS.search(clause)]  # "匿名行吗…"
    if unnamed and len(unnamed) < len(clauses):
        value = _without_spans(value, unnamed)
    value = _without_explanations(_without_address(_without_roles(value)))
    value = _latin_alias(_paired(_SCRIPT_AFTER_SPACE.sub("，", value)))
    clauses = _clauses(value)
    aliases = [
        (start, end) for start, end, clause in clauses if _ALIAS.match(clause) or _CALLED.match(clause)
    ]
    if aliases and len(aliases) < len(clauses):
        value = _without_spans(value, aliases)
        clauses = _clauses(value)
    surnames = []
    for start, end, clause in clauses:
        said = _SURNAME_CLAUSE.match(clause)
        surname = said.group("surname") if said else (clause.strip() if is_surname(clause.strip()) else "")
        if surname and any(other.strip().startswith(surname) for s, _, other in clauses if s != start):
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


_PAREN = re.compile(r"\s*[(（]([^()（）]*)[)）]")


def canonical(name: str) -> str:
    """A name in both scripts as the firm writes it, the Chinese-script name first and the Latin one
    in full-width parentheses: "Wang Lei 王磊", "陈静 Jessica Chen", "伊万 (Ivan Petrov)" -> "王磊（Wang
    Lei）", ...; a parenthesis in a script the name already has is a nickname and dropped ("Mikhail
    (Misha) Orlov" -> "Mikhail Orlov"). "Kevin 周" (no full name in either script) stays."""
    outside = " ".join(_PAREN.sub(" ", name).split())
    cjk = re.findall(rf"[{_CJK}][{_CJK}·•]*", outside)
    latin = _LATIN_NAME_WORD.findall(outside)
    kept = []
    for inner in _PAREN.findall(name):
        inner_cjk = re.findall(rf"[{_CJK}][{_CJK}·•]*", inner)
        inner_latin = _LATIN_NAME_WORD.findall(inner)
        if (inner_cjk and cjk) or (inner_latin and latin) or not (inner_cjk or inner_latin):
            continue  # the same script again: a nickname
        kept.append(inner.strip())
        cjk, latin = cjk + inner_cjk, latin + inner_latin
    size = len(cjk[0].replace("·", "").replace("•", "")) if len(cjk) == 1 else 0
    single = len(latin) == 1 and _given_word(latin[0]) and not (cjk and _NICKNAME_ZH.match(cjk[0]))
    apart = kept or (
        (len(latin) >= 2 or single) and re.search(rf"[{_CJK}]\s+[{_LETTER}]|[{_LETTER}]\s+[{_CJK}]", outside)
    )
    if (2 <= size <= 5 or (size and "·" in cjk[0])) and latin and apart:
        return f"{cjk[0]}（{' '.join(latin)}）"
    return " ".join([outside, *(f"({k})" for k in kept)]).strip()


def _given_word(word: str) -> bool:
    """Whether one Latin word beside a Chinese name can be its Latin-script name ("Kevin 赵凯")."""
    key = word.lower()
    return (
        len(word) >= 2
        and word[0].isupper()
        and key not in _COMPANY_WORDS | _NOT_NAMES | _ROLES_EN
        and _TITLE_BEFORE.match(word + " ") is None
    )


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
    return canonical(value)


__all__ = ["EXPLAINED", "as_written", "canonical", "explained_char", "is_role", "reframe", "words"]
