"""Who the user is, from the answer to "your name, and your company if any": a name as people
write it ("我姓王，叫王晓燕", "陈静 Jessica Chen", "Mike Zhang, No Limits Technology Co., Ltd.",
"my name is Hu Xiaoming and the company is Smart Owl", "孙丽娜 叫我娜娜就行") and, when given in
the same message, the company ("none" and "个人" say there is none)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot import contact
from bot.contact_companies import NoCompany
from bot.contact_names import is_surname
from bot.name_framing import as_written, is_role, reframe, words


@dataclass(frozen=True)
class Person:
    name: str
    company: str | None = None


# Where a second thought starts: "… and the company is …", "…，是孩子他妈", "… 叫我娜娜就行".
_CLAUSES = re.compile(r"\s*(?:[,，;；。.!！]|\s(?:and|but|from|at|with)\s|\s+)\s*", re.IGNORECASE)
_COMPANY_SAID = re.compile(
    r"(?:(?:the |my )?company(?: name)? is|(?:i )?work (?:at|for)|from|公司(?:名|名字|名称)?(?:是|叫)|在)\s*"
    r"(.+?)(?:工作|上班)?$",
    re.IGNORECASE,
)
MAX_KEPT = 60
_GIVEN_NAMES = {w.lower() for w in words("given_names")}
_LETTER = r"[A-Za-z\u00c0-\u024f\u0400-\u04ff]"
# "Novak, Peter": a whole answer of two single Latin words with a comma between them.
_SURNAME_FIRST = re.compile(
    rf"^\s*(?P<surname>{_LETTER}[\w'\-]*)\s*[,，]\s*(?P<given>{_LETTER}[\w'\-]*)\s*[.!]?\s*$"
)


def _in_order(value: str) -> str:
    """ "Surname, Given" as "Given Surname", only when the second word is a common given name and
    the first one is not (then the order is clear); anything else is left as it is."""
    found = _SURNAME_FIRST.match(value)
    if not found:
        return value
    surname, given = found.group("surname"), found.group("given")
    if given.lower() not in _GIVEN_NAMES or surname.lower() in _GIVEN_NAMES:
        return value
    if not (surname[0].isupper() and given[0].isupper()):
        return value
    return f"{given} {surname}"


def _company(text: str) -> str | None:
    """The company in what follows a name: said as one ("the company is …", "在…工作"), or
    looking like one ("… Ltd", "…有限公司"); anything else there is not taken for a company."""
    said = _COMPANY_SAID.search(text)
    if said is None:
        return contact.find_company(text)
    answer = contact.parse_company_answer(said.group(1).strip(" 。"))
    return answer if isinstance(answer, str) else None


_CJK_SPACE = re.compile(r"([\u3400-\u9fff]+)\s+(?=([\u3400-\u9fff]+))")


def _spaced_clauses(value: str) -> str:
    """Chinese words a space apart as clauses of their own ("陈国栋 陈老师" like "陈国栋，陈老师",
    "叫我小赵就行 赵梓涵"); not inside brackets ("佐藤 由紀"), nor a surname and a given name ("欧阳 娜娜")."""

    def apart(found: re.Match[str]) -> str:
        before = value[: found.start()]
        left, right = found.group(1), found.group(2)
        inside = before.count("(") + before.count("（") > before.count(")") + before.count("）")
        given = is_surname(left) and len(right) <= 2 and not right.startswith(left)
        label = left[-1] in "叫是名写为姓"  # "中文名叫 祝可": a label and the name it gives
        return found.group(0) if inside or given or label or len(left) + len(right) <= 2 else left + "，"

    return _CJK_SPACE.sub(apart, value)


def parse_person(text: str) -> Person | contact.Problem:
    """The name (and company) in an answer, or the problem that makes it unusable. The name is
    kept as a person at the firm would write it (bot/name_framing.py): "Dr. Ivan Petrov" -> "Ivan
    Petrov", "我姓刘，刘秀兰，是孩子他妈" -> "刘秀兰", "叫我小美就行，大名李美玲" -> "李美玲"."""
    value = _in_order(" ".join(text.split()))
    if value and is_role(value):  # "人事部", "I'm the CTO": no name yet, asked for it
        return contact.Problem("name_missing")
    spaced, reframed = _spaced_clauses(value), reframe(value)
    found = _read_person(reframe(spaced)) if spaced != value else contact.Problem("name_missing")
    if isinstance(found, contact.Problem):
        found = _read_person(reframed) if value else contact.Problem("name_missing")
    if isinstance(found, contact.Problem) and reframed != value:
        found = _read_person(value)
    if isinstance(found, contact.Problem):
        return found
    return Person(as_written(found.name), found.company)


def _read_person(value: str) -> Person | contact.Problem:
    name, company = contact.parse_name_and_company(value)
    if not isinstance(name, contact.Problem):
        return Person(name, company)
    # The name first, then something else: take the longest leading part that is a name.
    separators = list(_CLAUSES.finditer(value))
    for match in reversed(separators):
        head = contact.parse_name(value[: match.start()])
        if match.start() > 0 and not isinstance(head, contact.Problem):
            rest = value[match.end() :]
            return Person(head, _company(rest) if re.search(r"\w", rest) else None)
    details = contact.extract_details(value)
    if details.name:
        return Person(details.name, details.company)
    return name


def kept_as_typed(text: str) -> str | None:
    """What the user typed as their name, when no name could be read from it but it is no markup
    or garbage: kept (the read-back shows it and it can be corrected) rather than lost."""
    value = " ".join(text.split())
    if not value or re.search(r"[<>{}\[\]@#$%^*=|\\/`~]|\d", value) or len(value) > MAX_KEPT:
        return None
    return value


__all__ = ["NoCompany", "Person", "kept_as_typed", "parse_person"]
