"""Company names: the answer to "which company?" (or that there is none), and the user's own
company when a free message clearly states it ("我在不凡科技有限公司工作", "Zhang Wei, ABC Co.").

Split out of bot/contact.py (which re-exports this API) to keep each module readable; it shares
the text helpers and word lists of bot/contact_names.py."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.contact_names import MARKUP, WORDS, Problem, alternation, fold, is_cjk, normalise, words

MAX_COMPANY = 120


@dataclass(frozen=True)
class NoCompany:
    """The answer to "which company?" when there is none ("none", "freelancer", "个人"): neither a
    company name nor an unusable answer."""


NO_COMPANY = NoCompany()

_NONE = set(words("company", "none"))
_PADDING = sorted(words("company", "none_padding"), key=len, reverse=True)
_GENERIC = set(words("company", "generic"))
_GENERIC_EN = set(words("company", "generic_en"))
_NOT_FIRST = set(WORDS["company"]["not_first"])
_STOP_CHARS = set(WORDS["company"]["stop_chars"])
_SENTENCE_CHARS = set("我你您他她们说了吗呢吧啊被把")
_WORK_VERBS = tuple(words("company", "work_verbs"))
_ENDS = ",;.!?\n。、"
_CAP = r"[A-Z0-9][A-Za-z0-9&'\-]*"
_EN_SUFFIX = (
    r"(?:(?i:co\.?,?\s*ltd\.?|company\s+limited|pte\.?\s*ltd\.?|ltd\.?|limited|llc|l\.l\.c\.|inc\.?"
    r"|incorporated|corp\.?|corporation|gmbh|plc|llp|s\.a\.|sarl|b\.v\.|group|company)|AG|Co\.)(?![A-Za-z])"
)
_EN_NAME = rf"{_CAP}(?:[ \t]+(?:{_CAP}|of|and|&|for|de|the|und))*"
_EN_COMPANY = re.compile(rf"(?<![A-Za-z0-9])(?P<name>{_EN_NAME})[ \t]*,?[ \t]+(?P<suffix>{_EN_SUFFIX})")
_EN_OWN = re.compile(rf"{_EN_NAME}(?:[ \t]*,?[ \t]+{_EN_SUFFIX})?")
_ZH_SUFFIX = re.compile(alternation(words("company", "suffixes_zh")))
_FIELD = re.compile(
    rf"(?P<label>{alternation(words('company', 'field_labels'))})\s*:\s*"
    r"(?P<value>(?:[^;。!?\n、,]|,(?=\s*(?:Ltd|Limited|Inc|LLC)\b))+)",
    re.IGNORECASE,
)
_OWN = re.compile(alternation(words("company", "own_labels")) + r"\s*:?\s*", re.IGNORECASE)
_ALL_LABELS = alternation(words("company", "suffix_labels") + words("company", "own_labels"))
_LABEL_BEFORE = re.compile(rf"(?P<label>{_ALL_LABELS}|在)\s*:?\s*$", re.IGNORECASE)
_LABEL_LEAD = re.compile(rf"^{alternation(words('company', 'suffix_labels'))}\s+", re.IGNORECASE)
_OTHERS_BEFORE = re.compile(rf"{alternation(words('company', 'others'))}\s*(?:is|是|的)?\s*$", re.IGNORECASE)
_ANSWER_LABEL = re.compile(
    rf"^(?:{alternation(words('company', 'field_labels'))}\s*:|{alternation(words('company', 'own_labels'))}"
    r"|我在|我们是|we are|we're|from)\s*:?\s*",
    re.IGNORECASE,
)


def _company_char(ch: str) -> bool:
    return (is_cjk(ch) or ch.isascii() and (ch.isalnum() or ch in "()&-")) and ch not in _STOP_CHARS


def _good_core(core: str) -> bool:
    """The distinctive part of a company name: not "我们", "一家科技", "Our"."""
    core = core.strip()
    if len(core) < 2 or core in _GENERIC or core[0] in _NOT_FIRST:
        return False
    return core.split()[0].lower() not in _GENERIC_EN


def _phrase_edge(before: str, after: str, suffix: str) -> bool:
    """Whether a company is a whole phrase: "张伟，不凡科技有限公司。", "Zhang Wei, ABC Co."."""
    before, after = before.rstrip(" \t"), after.lstrip(" \t")
    return (not before or before[-1] in _ENDS) and (not after or after[0] in _ENDS or suffix.endswith("."))


def _labelled(before: str, after: str) -> bool:
    """Whether the words before a company make it the user's own ("我在…工作", "CTO of …")."""
    match = _LABEL_BEFORE.search(before)
    if not match or _OTHERS_BEFORE.search(before[: match.start()]):
        return False
    label, after = match.group("label").lower(), after.lstrip()
    if label.endswith("在"):
        return after.startswith(_WORK_VERBS)
    if label == "from":  # "Mike Zhang from ABC Ltd", not "bought from ABC Ltd"
        previous = before[: match.start()].split()
        return bool(previous) and (previous[-1][:1].isupper() or is_cjk(previous[-1][-1]))
    return not after or after[0] in _ENDS or after.startswith(("的", *_WORK_VERBS)) or label.isascii()


def _with_suffix(text: str) -> str | None:
    """A company carrying a legal-form suffix that is the user's own: labelled, or a whole phrase."""
    found: list[tuple[int, str]] = []
    for match in _EN_COMPANY.finditer(text):
        start, name = match.start(), match.group("name")
        lead = _LABEL_LEAD.match(name)
        own = bool(lead)
        if lead:
            start += lead.end()
        before, after = text[:start], text[match.end() :]
        if own:  # "CTO of ABC Ltd" as the user's own description, not "their CTO of ABC Ltd"
            opening = text[: match.start()].rstrip()
            own = not opening or opening[-1] in _ENDS or opening.lower().endswith(("i'm", "i am", "as"))
        if _good_core(text[start : match.end("name")]) and (
            own or _labelled(before, after) or _phrase_edge(before, after, match.group("suffix"))
        ):
            found.append((start, text[start : match.end()]))
    for match in _ZH_SUFFIX.finditer(text):
        start = match.start()
        while start > 0 and _company_char(text[start - 1]):
            start -= 1
        before, after = text[:start], text[match.end() :]
        if _good_core(text[start : match.start()]) and (
            _labelled(before, after) or _phrase_edge(before, after, match.group(0))
        ):
            found.append((start, text[start : match.end()]))
    return min(found)[1] if found else None


def _own_labelled(text: str) -> str | None:
    """After "我们公司叫", "就职于", "I work at": the name, no suffix needed."""
    for label in _OWN.finditer(text):
        if _OTHERS_BEFORE.search(text[: label.start()]):
            continue
        if label.group(0)[:1].isascii():
            match = _EN_OWN.match(text, label.end())
            value = match.group(0) if match else ""
        else:
            end = label.end()
            while end < len(text) and _company_char(text[end]):
                end += 1
            value = text[label.end() : end]
            value = next((value[: -len(v)] for v in _WORK_VERBS if value.endswith(v)), value)
        suffix = _ZH_SUFFIX.search(value) or re.search(_EN_SUFFIX, value)
        if _good_core(value[: suffix.start()] if suffix else value):
            return value.strip()
    return None


def find_company(text: str) -> str | None:
    """The user's own company, only when the message clearly states it: "公司：不凡科技",
    "我们公司叫不凡", "我在不凡科技有限公司工作", "CTO of ABC Co., Ltd.", or a phrase of its own
    ending in a legal form ("…有限公司", "… Co., Ltd.", "… GmbH"). A company named after
    "对方"/"counterparty" or inside a sentence ("we signed with X Ltd") is not the user's."""
    value = fold(text)
    for field in _FIELD.finditer(value):
        company = parse_company(field.group("value").strip())
        if (
            isinstance(company, str)
            and _good_core(company)
            and not _SENTENCE_CHARS.intersection(company)  # "公司：对方说我们违约" is not a name
            and not _OTHERS_BEFORE.search(value[: field.start()])
        ):
            return company
    return _own_labelled(value) or _with_suffix(value)


def company_after_name(rest: str) -> str | None:
    """The company written after a name in the same answer: ", ABC Co.", "，不凡科技有限公司"."""
    rest = re.sub(r"^[\s,;、。(]*(?:(?:from|of|at|and|来自|和)\s*)?", "", fold(rest))
    return _with_suffix(rest[:-1] if rest.endswith(")") else rest)


def parse_company(text: str) -> str | Problem:
    """A company name as given, without a label ("公司：", "I work at")."""
    value = _ANSWER_LABEL.sub("", normalise(text), count=1)
    value = next((value[: -len(v)] for v in _WORK_VERBS if value.endswith(v)), value).strip(" ,;。!")
    if MARKUP.search(value) or len(value) < 2 or not re.search(r"[A-Za-z\u4e00-\u9fff]", value):
        return Problem("company_invalid")
    return value[:MAX_COMPANY]


def _is_no_company(text: str) -> bool:
    parts = [p.strip() for p in re.split(r"[,.;!?。、~]+", normalise(text).lower()) if p.strip()]
    return bool(parts) and all(_unpadded(part) in _NONE for part in parts)


def _unpadded(part: str) -> str:
    changed = True
    while changed and part not in _NONE:
        changed = False
        for pad in _PADDING:
            joiner = " " if pad.isascii() else ""
            if part.startswith(pad + joiner) and len(part) > len(pad):
                part, changed = part[len(pad) :].strip(), True
            elif part.endswith(joiner + pad) and len(part) > len(pad):
                part, changed = part[: -len(pad)].strip(), True
    return part


def parse_company_answer(text: str) -> str | NoCompany | Problem:
    """The answer to "which company?": a name, `NO_COMPANY` ("none", "freelancer", "没有", "个人"),
    or a Problem. "No Limits Technology Co., Ltd." and "Never Again GmbH" are companies."""
    if _is_no_company(text):
        return NO_COMPANY
    return parse_company(text)
