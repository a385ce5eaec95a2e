"""A spoken correction of the name at the read-back, and the name it leaves:

- a part replaced: "my surname is spelled Zhao not Zhou" (Zhou Lei -> Zhao Lei), "my first name
  is Olga not Olya", "姓赵不是周", "是刘洋不是刘阳", "不是刘阳，是刘洋";
- the full name again, after how a character or a letter is written: "名字我打错了，是宇宙的宇，
  周宇航", "是提手旁的扬，刘扬", "it's Kevin with a K, Kevin Zhou";
- a part alone, put in place of the part of the name it most resembles: "my first name is Olga".
The result is written as the firm writes names (bot/name_framing.py); nothing else is changed."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from bot import contact
from bot.contact_names import fold, is_cjk, looks_like_name
from bot.contact_names import words as contact_words
from bot.name_framing import EXPLAINED, as_written, explained_char, reframe, words

_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_WORD = r"[A-Za-z\u00c0-\u024f\u0400-\u04ff][\w'\-]*"
_OTHER = {w.lower() for w in words("correction_words")}
_EXPLAINED = set(words("explained_zh"))
_FLUFF = set(contact_words("name", "fluff"))  # "名字错了，谢谢": no name
# "宇宙的宇", "提手旁的扬", "王字旁那个玮": how a character is written.
_EXPLAINED_ZH = EXPLAINED
# "with a K", "with a hyphen and double o", "with i at the end", "J-I-N-G", "like in my passport"
_EXPLAINED_EN = re.compile(
    r"\s*(?:\bwith\b(?:\s+(?:an?|double|two|the|one|letter|and|at|in|on|end|middle|start|beginning|of|"
    r"hyphen|dash|space|apostrophe|umlaut|accent|[^\W\d_])\b)+|(?:\bspelled\s+)?\b(?:[A-Za-z][\s\-]){2,}[A-Za-z]\b(?![\w'])"
    r"|\b(?:as|like) in (?:the |my )?\w+"
    r"|\b(?:capital|small|lower[- ]?case|upper[- ]?case|big)\s+[A-Za-z]\b|\bapostrophe\b|\bhyphen(?:ated)?\b"
    r"|\b(?:one|two|three|double|single|an?)\s+[A-Za-z](?:'s|s)?\b(?=\W*(?:$|[,.;]|\b(?:and|two|one|double|single)\b))"
    r"|\b(?:typed|wrote|spelled|spelt)\s+it\s+(?:too\s+)?(?:fast|quickly|wrong|badly)\b)",
    re.IGNORECASE,
)
_LEAD_ZH = re.compile(
    r"^(?:.*?(?:名字|姓名|应该是|应是|应为|改成|改为|换成|其实是|正确的是|就是|我叫|叫|是|只写|就写|写成))+"
)
# "名字只写佐藤健就好，不要英文", "just write Anna Lee, no Chinese name": the name in one script only
_ONE_SCRIPT = re.compile(
    r"只写|只要|只留|^名字(?:就|只)?写(?!错|反|成了)|写[^，,。]{1,8}就(?:可以|行|好)|不要(?:英文|中文|拼音)|不用(?:英文|中文|拼音)|去掉(?:英文|中文|拼音)|"
    r"\b(?:only|just)\s+(?:write|put|keep|use)\b|\bno\s+(?:english|chinese)\s+name\b|\bdrop\s+the\s+(?:english|chinese)\b",
    re.IGNORECASE,
)
_DONE_ZH = re.compile(r"(?:就好|就行|就可以|即可)$")
_LEAD_EN = re.compile(
    r"^(?:(?:sorry|oops|actually|no|yes|well|so|i mean|it'?s|it is|that'?s|that is|should(?: just| only)? be|"
    r"(?:my |the )?(?:full |first |last |family |given |middle |sur)?names?(?: field)?(?:'s)?(?: is| should be| was)?|"
    r"change (?:it )?to|spelled|spelt|is|please|pls|just|only|write|put|use|keep|(?:write|put) (?:it|my name|the name) as|as|"
    r"(?:it |that |this )?should (?:say|read|show)|small fix|fix|make (?:it|that|this)(?: say)?)\b[\s,:]*)+",
    re.IGNORECASE,
)
_NOT_EN = re.compile(
    rf"(?<![\w'\-])(?P<new>(?:{_WORD}\s+){{0,5}}{_WORD})\s*,?\s+(?:and\s+)?not\s+(?P<old>{_WORD}(?:\s+{_WORD}){{0,3}})",
    re.I,
)
_NOT_FIRST_EN = re.compile(
    rf"\bnot\s+(?P<old>{_WORD}(?:\s+{_WORD}){{0,3}})\s*[,;]?\s*(?:but|it'?s|it is)?\s+(?P<new>{_WORD}(?:\s+{_WORD}){{0,3}})",
    re.I,
)
_NOT_ZH = re.compile(
    rf"(?P<new>[^,，;；。!！?？不]{{0,40}}?)\s*[,，]?\s*而?不是\s*(?P<old>[{_CJK}·]+|{_WORD}(?:\s+{_WORD}){{0,3}})"
)
_NOT_FIRST_ZH = re.compile(
    rf"不是\s*(?P<old>[{_CJK}·]+?|{_WORD})\s*[,，]?\s*而?是\s*(?P<new>[{_CJK}·]+|{_WORD}(?:\s+{_WORD})*)"
)
_ZH_LEAD = re.compile(r"^.*(?:应该是|应是|应为|改成|改为|换成|其实是|正确的是|[是叫姓我的])")


def _name_words(text: str, *, from_end: bool) -> str:
    """The name-like words at one end of a phrase: "surname is spelled Zhao" -> "Zhao"."""
    found = re.findall(_WORD, text)
    kept: list[str] = []
    for word in reversed(found) if from_end else found:
        if word.lower() in _OTHER or word.lower() in ("not", "sorry"):
            if kept:
                break
            continue
        kept.append(word)
    return " ".join(reversed(kept) if from_end else kept)


def _zh_part(text: str, *, lead: bool) -> str:
    explained = explained_char(re.sub(r"^.*?(?:是|不是|那个是)(?=.{2,}$)", "", text.strip()))
    if explained or explained_char(text):  # "王字旁那个玮", "不是伟大的伟": the character explained
        return explained or explained_char(text) or ""
    value = _ZH_LEAD.sub("", text) if lead else text
    value = re.sub(r"^[姓]", "", value)
    run = re.match(rf"[{_CJK}·]+|{_WORD}(?:\s+{_WORD})*", value.strip())
    return run.group(0) if run else ""


def _pair(message: str) -> tuple[str, str] | None:
    """(new, old) in "X not Y", "是X不是Y", "不是Y，是X"."""
    for pattern in (_NOT_FIRST_ZH, _NOT_ZH):
        for match in pattern.finditer(message):
            new, old = _zh_part(match.group("new"), lead=True), _zh_part(match.group("old"), lead=True)
            if new and old and new != old:
                return new, old
    for pattern, new_at_end in ((_NOT_EN, True), (_NOT_FIRST_EN, False)):
        found = pattern.search(message)
        if found:
            new = _name_words(found.group("new"), from_end=new_at_end)
            old = _name_words(found.group("old"), from_end=False)
            if new and old and new.lower() != old.lower():
                return new, old
    return None


def _is_full(name: str) -> bool:
    cjk = sum(is_cjk(ch) for ch in name)
    return cjk >= 2 or len(re.findall(_WORD, name)) >= 2


def _parts(current: str) -> list[str]:
    latin = re.findall(_WORD, current)
    return latin if latin else [current[:1], current[1:]] if current else []


def _like(a: str, b: str) -> float:
    return SequenceMatcher(None, a.lower(), b.lower()).ratio()


def _replace(current: str, old: str, new: str) -> str:
    if re.search(_WORD, old):
        return re.sub(rf"(?<![\w'\-]){re.escape(old)}(?![\w'\-])", new, current, count=1, flags=re.I)
    return current.replace(old, new, 1)


def _contains(current: str, old: str) -> bool:
    return _replace(current, old, "\0") != current


def _rest(current: str, old: str) -> list[str]:
    """The parts of the current name a correction of `old` leaves alone."""
    return re.findall(rf"{_WORD}|[{_CJK}·]+", _replace(current, old, " "))


def _scripts(name: str) -> tuple[str, str]:
    """The Chinese-script and the Latin-script parts of a name ("王磊（Wang Lei）" -> both)."""
    cjk = "".join(re.findall(rf"[{_CJK}·]+", name))
    return cjk, " ".join(re.findall(_WORD, name))


def _given_of(new: str, current: str) -> bool:
    """Whether two Chinese characters are the given name of a three-character name, one changed."""
    if not (re.fullmatch(rf"[{_CJK}]{{2}}", new) and re.fullmatch(rf"[{_CJK}]{{3}}", current)):
        return False
    return new[0] != current[0] and (new[0] == current[1]) != (new[1] == current[2])


def _apply(new: str, old: str | None, current: str | None) -> str | None:
    """The name once `new` is put in place of `old` (or of the part of `current` it most resembles)."""
    if current and not old and _is_full(new):
        (cjk, latin), (new_cjk, new_latin) = _scripts(current), _scripts(new)
        if cjk and latin and bool(new_cjk) != bool(new_latin):  # one script of a name in both
            return f"{new_cjk or cjk}（{new_latin or latin}）"
    if current and not old and _given_of(new, current):
        return current[0] + new  # "红梅" for 李红美: the given name
    if current and old and _contains(current, old):
        rest = _rest(current, old)
        if _is_full(new) and (not rest or any(_contains(new, part) for part in rest)):
            return new
        return _replace(current, old, new)
    if _is_full(new) or not current:
        return new if _is_full(new) else None
    if is_cjk(new[:1]) and len(new) == 1 and is_cjk(current[:1]):
        return new + current[1:]  # "姓错了，是赵": the surname
    parts = _parts(current)
    best = max(parts, key=lambda part: _like(part, new), default="")
    if best and _like(best, new) >= 0.5 and len(parts) > 1:
        return _replace(current, best, new)
    return None


# "Sasha is only my short name", "Sophie is just my English name": an alias, not the correction
_ALIAS_SAID = re.compile(
    r"\b(?:is|was)\s+(?:only|just)\s+(?:my\s+|a\s+|the\s+)?(?:short|nick|english|chinese|pet|first|"
    r"familiar|informal)\s*-?\s*name\b|只是(?:我的)?(?:小名|昵称|英文名|外号|简称)|"
    r"\b(?:is|'s)\s+(?:just|only)\s+what\s+(?:everyone|everybody|people|friends|my\s+friends|they|we|colleagues)\s+"
    r"call(?:s)?\s+me\b|(?:大家|别人|朋友|同事)(?:都)?(?:这么)?(?:叫|喊)(?:我)?的",
    re.IGNORECASE,
)


def _clause_name(clause: str) -> str | None:
    """The name (or the part of one) a clause of a correction gives, with what leads to it and
    what explains it dropped: "是宇宙的宇" gives none, "it's Kevin with a K" gives "Kevin"."""
    if _ALIAS_SAID.search(clause):
        return None
    value = _EXPLAINED_EN.sub("", clause).strip()
    value = re.sub(rf"\s+{_EXPLAINED_ZH.pattern}$", "", value)
    bare = _LEAD_ZH.sub("", value) if re.search(f"[{_CJK}]", value) else value
    if _EXPLAINED_ZH.fullmatch(bare) or bare in _EXPLAINED:
        return None
    value = _DONE_ZH.sub("", _LEAD_EN.sub("", bare).strip(" \"'“”"))
    words = value.split()
    while len(words) > 1 and words[-1].lower().strip(".,") in _OTHER:  # "… for anything official"
        words.pop()
    value = " ".join(words)
    if not value or all(w.lower() in _OTHER for w in re.findall(_WORD, value)) and not is_cjk(value[:1]):
        return None
    if len(value) == 1:
        return value if is_cjk(value) else None
    name = contact.parse_name(reframe(value))
    return None if isinstance(name, contact.Problem) else name


def _clauses(text: str) -> list[str]:
    """The clauses of a correction, explanations dropped: "It is Kim Min-joon, with a hyphen
    (金敏俊)" -> ["It is Kim Min-joon (金敏俊)"]; Chinese words a space apart are clauses too."""
    value = _EXPLAINED_EN.sub("", text)
    value = re.sub(r"[,，]\s*(?=[（(])", " ", value)
    value = re.sub(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])", ",", value)
    return [c.strip() for c in re.split(r"[,;:。!?，；：！？]+|\.\s+|\.$|\s[–—-]+\s", value) if c.strip()]


def _both_scripts(before: str, found: str) -> str:
    """A full name in one script right after the same name in the other ("Chen Jing, 陈静")."""
    (cjk, latin), (new_cjk, new_latin) = _scripts(before), _scripts(found)
    if cjk and not latin and new_latin and not new_cjk and _is_full(new_latin):
        return f"{cjk}（{new_latin}）"
    if latin and not cjk and new_cjk and not new_latin and _is_full(latin) and len(new_cjk) >= 2:
        return f"{new_cjk}（{latin}）"
    return found


def _usable(name: str, current: str | None, text: str) -> bool:
    """A Chinese candidate must look like a name or like the current one ("打错" is neither); a
    single character replaces the surname only when the surname is what is corrected."""
    if name.lower() in _FLUFF:
        return False
    if not is_cjk(name[:1]):
        return True
    if len(name) == 1:
        return bool(re.search(r"姓|surname|family name|last name", text, re.IGNORECASE))
    return looks_like_name(name) or bool(current and (related(name, current) or _given_of(name, current)))


def corrected_name(message: str, current: str | None = None) -> str | None:
    """The name a correction leaves, or None when it carries none (the name is asked again)."""
    text = " ".join(fold(message).split())
    found: str | None = None
    pair = _pair(text)
    if pair and ((current and _contains(current, pair[1])) or all(_usable(p, current, text) for p in pair)):
        found = _apply(*pair, current)
    if found is None:
        clauses = _clauses(text)
        for index in range(len(clauses) - 1, -1, -1):
            name = _clause_name(clauses[index])
            found = _apply(name, None, current) if name and _usable(name, current, text) else None
            if found:
                before = _clause_name(clauses[index - 1]) if index else None
                found = _both_scripts(before, found) if before else found
                break
    if not found:
        return None
    if _ONE_SCRIPT.search(text):
        (cjk, latin), said = _scripts(found), " ".join(text.split())
        found = cjk if cjk and cjk in said and not (latin and latin in said) else found
        found = latin if latin and latin in said and not (cjk and cjk in said) else found
    checked = contact.parse_name(found)
    return None if isinstance(checked, contact.Problem) else as_written(checked)


def related(name: str, current: str) -> bool:
    """Whether a name is a correction of the current one rather than another: a part in common,
    or parts alike ("Kelvin Zhou" / "Kevin Zhou", "刘阳" / "刘洋"); in a name in both scripts, the
    part that changed ("赵新宇（Kevin Zhao）" / "赵新宇（Kevin Chao）")."""
    (cjk, latin), (old_cjk, old_latin) = _scripts(name), _scripts(current)
    if cjk and latin and old_cjk and old_latin and (cjk == old_cjk) != (latin == old_latin):
        return related(latin, old_latin) if cjk == old_cjk else related(cjk, old_cjk)
    if is_cjk(name[:1]) and is_cjk(current[:1]):
        return name[:1] == current[:1] or (len(name) == len(current) and name[1:] == current[1:])
    mine, theirs = re.findall(_WORD, name), re.findall(_WORD, current)
    return any(_like(a, b) >= 0.6 for a in mine for b in theirs)


def is_name_correction(message: str, current: str | None) -> bool:
    """Whether a message that names no field corrects the name: "不是刘阳，是刘洋", "it's Kevin
    with a K, Kevin Zhou" (current "Kelvin Zhou")."""
    text = " ".join(fold(message).split())
    pair = _pair(text)
    if pair and current is None:
        return all(looks_like_name(part) for part in pair)
    if not current:
        return False
    new = corrected_name(message, current)
    # "…, Ollie is just what everyone calls me": the name held is said to be an alias
    alias = bool(_ALIAS_SAID.search(text)) and current.lower() in text.lower()
    return bool(new) and new != current and (related(str(new), current) or alias)


__all__ = ["corrected_name", "is_name_correction", "related"]
