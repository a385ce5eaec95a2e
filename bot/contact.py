"""Contact details as people type them: validated, normalised, and explained when wrong.

Every parser returns either a clean value or a `Problem` naming what is wrong, so the bot
can re-ask with a specific hint instead of a generic "invalid input". This module is the
public API and holds emails, WeChat IDs and the reading of whole messages; it re-exports the
parsers of bot/contact_names.py (people), bot/contact_companies.py and bot/contact_phones.py.
Word lists: bot/knowledge/contact.yml.

Longer than 300 lines: every way of reaching the user is read in one scan of the message, so that
no number or address is taken twice."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email

from bot.contact_companies import (
    MAX_COMPANY,
    NO_COMPANY,
    NoCompany,
    company_after_name,
    find_company,
    parse_company,
    parse_company_answer,
)
from bot.contact_names import MAX_NAME, Problem, alternation, find_name, fold, looks_like_name, words
from bot.contact_names import parse_name_answer as _parse_name_answer
from bot.contact_phones import (
    DIGIT_RUN,
    PHONE_CANDIDATE,
    PHONE_LABEL,
    Number,
    not_a_phone,
    parse_phone,
    read_number,
    region_named,
    split_numbers,
    wrong_length,
)

# fmt: off
__all__ = [
    "MAX_COMPANY", "MAX_NAME", "NO_COMPANY", "PROBLEMS", "WECHAT_ID", "ContactMethods", "Details",
    "NoCompany", "Problem", "extract_details", "find_company", "find_name", "is_contact_details_message",
    "parse_company", "parse_company_answer", "parse_email", "parse_methods", "parse_name",
    "parse_name_and_company", "parse_phone", "parse_wechat_id",
]
# Every problem the parsers here and in bot/contact_*.py report; the bot has a hint for each
# (utter_hint_<code>), checked by tests/unit/test_actions.py against the domain.
PROBLEMS = (
    Problem("name_missing"), Problem("name_invalid"), Problem("name_too_short"), Problem("name_too_long"),
    Problem("company_invalid"), Problem("phone_missing"), Problem("phone_invalid"), Problem("phone_length"),
    Problem("email_invalid"), Problem("wechat_invalid"), Problem("methods_missing"),
)
# fmt: on

# WeChat IDs: 6-20 characters, starting with a letter; letters, digits, "_" and "-".
WECHAT_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{5,19}$")
_WECHAT_WORD = alternation(words("contact", "wechat_labels"))
_WECHAT_LABELLED = re.compile(
    rf"(?P<label>{_WECHAT_WORD})(?:\s*id)?(?:\s*号)?\s*(?P<sep>[:=]|是|为|is(?![A-Za-z]))?\s*"
    r"(?P<value>\+?\d[\d \-]{5,}\d|[A-Za-z0-9_\-]+)?",
    re.IGNORECASE,
)
_SAME = (
    re.compile(_WECHAT_WORD, re.I),
    re.compile(alternation(words("contact", "same_words")), re.I),
    re.compile(r"手机|电话|号码|同号|phone|mobile|cell|number", re.I),
)
_CLAUSE = re.compile(r"[^,;。!?\n、]+")
_EMAIL_CANDIDATE = re.compile(r"[A-Za-z0-9._%+'\-]+@[A-Za-z0-9.\-]*")
_FILLER = re.compile(
    alternation(
        words("contact", "phone_labels")
        + words("contact", "email_labels")
        + words("contact", "wechat_labels")
        + words("contact", "filler")
        + words("name", "labels")
        + words("name", "field_labels")
    ),
    re.IGNORECASE,
)


@dataclass
class ContactMethods:
    phone: str | None = None
    email: str | None = None
    wechat_id: str | None = None
    problems: list[Problem] = field(default_factory=list)
    other_phones: list[str] = field(default_factory=list)  # landlines etc. after the preferred (mobile) one
    # "微信同手机号": wechat_id is then the phone's national number, or None if no phone was in the message.
    wechat_same_as_phone: bool = False

    @property
    def found(self) -> dict[str, str]:
        return {
            k: v
            for k, v in (("phone", self.phone), ("email", self.email), ("wechat_id", self.wechat_id))
            if v
        }


@dataclass(frozen=True)
class Details:
    """Contact details found in a free message; only those clearly present."""

    name: str | None = None
    company: str | None = None
    phone: str | None = None
    email: str | None = None
    wechat_id: str | None = None


@dataclass(frozen=True)
class _Hit:
    kind: str  # "email" | "wechat" | "phone" | "same" (WeChat same as the phone)
    start: int
    end: int
    value: str | Problem
    phone: Number | None = None
    labelled: bool = False


def _scan(text: str) -> list[_Hit]:
    """Every email, WeChat ID and phone number in a folded message, in that order of precedence."""
    hits: list[_Hit] = []
    work = text

    def take(hit: _Hit) -> None:
        nonlocal work
        hits.append(hit)
        work = work[: hit.start] + " " * (hit.end - hit.start) + work[hit.end :]

    for match in _EMAIL_CANDIDATE.finditer(text):
        candidate = match.group(0).rstrip(".")
        take(_Hit("email", match.start(), match.start() + len(candidate), parse_email(candidate)))
    same = [m.span() for m in _CLAUSE.finditer(work) if all(p.search(m.group(0)) for p in _SAME)]
    hits.extend(_Hit("same", start, end, "") for start, end in same)
    for match in _WECHAT_LABELLED.finditer(work):
        label, value, sep = match.group("label"), match.group("value"), match.group("sep")
        if value is None or any(s <= match.start() < e for s, e in same):
            continue
        if re.fullmatch(r"\+?[\d \-]+", value):  # "微信 13904512233": found by its phone number
            phone = read_number(value)
            wechat: str | Problem = (
                Problem("wechat_invalid") if isinstance(phone, Problem) else phone.national
            )
        elif sep or re.search(r"[\d_\-]", value) or not label.isascii():  # not "wechat or email"
            wechat = value if WECHAT_ID.match(value) else Problem("wechat_invalid")
        else:
            continue
        take(_Hit("wechat", match.start(), match.end(), wechat))
    for match in PHONE_CANDIDATE.finditer(work):
        region = region_named(
            work[max(0, match.start() - 20) : match.start()], work[match.end() : match.end() + 20]
        )
        for start, end, phone in split_numbers(match.group(0), match.start(), region):
            if not not_a_phone(work, start, end):
                labelled = bool(PHONE_LABEL.search(work[max(0, start - 16) : start]))
                if isinstance(phone, Problem):
                    take(_Hit("phone", start, end, phone, labelled=labelled))
                else:
                    take(_Hit("phone", start, end, phone.e164, phone, labelled))
    for match in DIGIT_RUN.finditer(work):  # "手机 138123": too short for a number, but meant as one
        digits = re.sub(r"\D", "", match.group(0))
        label = PHONE_LABEL.search(work[max(0, match.start() - 16) : match.start()])
        if len(digits) >= 4 and label and not not_a_phone(work, match.start(), match.end()):
            take(_Hit("phone", match.start(), match.end(), wrong_length(digits), labelled=True))
    return sorted(hits, key=lambda h: h.start)


def _rest(text: str, hits: list[_Hit]) -> str:
    for hit in hits:
        text = text[: hit.start] + " " * (hit.end - hit.start) + text[hit.end :]
    return text


def parse_email(text: str) -> str | Problem:
    """An email address, checked for syntax only (no network lookups), in lower case."""
    try:
        result = validate_email(fold(text).strip(), check_deliverability=False)
    except EmailNotValidError:
        return Problem("email_invalid")
    return str(result.normalized if hasattr(result, "normalized") else result.email).lower()


def parse_wechat_id(text: str) -> str | Problem:
    value = fold(text).strip()
    labelled = _WECHAT_LABELLED.search(value)
    if labelled and labelled.group("value"):
        value = labelled.group("value")
    if WECHAT_ID.match(value):
        return value
    return Problem("wechat_invalid")


def _preferred(hits: list[_Hit]) -> list[_Hit]:
    """Phone numbers with a mobile first: a mobile reaches the person, a landline the office."""
    return sorted(
        (h for h in hits if h.kind == "phone" and h.phone), key=lambda h: not (h.phone and h.phone.mobile)
    )


# "一三八四五一六七七二零": a number written in Chinese numerals, digit by digit (seven or more)
_CHINESE_DIGITS = re.compile(r"[零〇一二三四五六七八九幺]{7,}")
_DIGIT_OF = str.maketrans("零〇一二三四五六七八九幺", "001234567891")


# An address said aloud: "1293847561艾特qq点com", "ivan.p at mail dot ru".
_SPOKEN_EMAIL = re.compile(
    r"(?<![\w.@])(?P<local>[A-Za-z0-9._%+\-]*[A-Za-z0-9])\s*(?:艾特|爱特|圈a|圈A|\(at\)|\[at\]|\s+at\s+)\s*"
    r"(?P<domain>[A-Za-z0-9\-]+(?:\s*(?:点|\.|\(dot\)|\[dot\]|\s+dot\s+)\s*[A-Za-z0-9\-]+)*"
    r"\s*(?:点|\(dot\)|\[dot\]|\s+dot\s+|\.)\s*[A-Za-z]{2,6})(?![\w])"
)


def _spoken_email(found: re.Match[str]) -> str:
    domain = re.sub(r"\s*(?:点|\(dot\)|\[dot\]|\s+dot\s+|\.)\s*", ".", found.group("domain"))
    return f"{found.group('local')}@{domain}"


def parse_methods(text: str) -> ContactMethods:
    """Every way to reach the user found in one message: "13812345678, li@example.com, 微信 li_wei88".

    A phone-like or email-like fragment that fails validation becomes a problem; a bare
    word that looks like a WeChat ID counts only when labelled or when nothing else is given."""
    folded = _CHINESE_DIGITS.sub(lambda m: m.group().translate(_DIGIT_OF), fold(text))
    folded = _SPOKEN_EMAIL.sub(_spoken_email, folded)
    hits = _scan(folded)
    methods = ContactMethods(wechat_same_as_phone=any(h.kind == "same" for h in hits))
    for hit in hits:
        if isinstance(hit.value, Problem):
            methods.problems.append(hit.value)
        elif hit.kind == "email":
            methods.email = methods.email or hit.value
        elif hit.kind == "wechat":
            methods.wechat_id = methods.wechat_id or hit.value
    phones = _preferred(hits)
    if phones:
        methods.phone = str(phones[0].value)
        methods.other_phones = list(
            dict.fromkeys(str(h.value) for h in phones[1:] if h.value != methods.phone)
        )
        if methods.wechat_same_as_phone and not methods.wechat_id and phones[0].phone:
            methods.wechat_id = phones[0].phone.national
    if not methods.found and not methods.problems:
        rest = _rest(folded, hits)
        tokens = rest.split()
        if len(tokens) == 1 and WECHAT_ID.match(tokens[0]) and re.search(r"\d|_", tokens[0]):
            methods.wechat_id = tokens[0]
        elif any(
            len(re.sub(r"\D", "", m.group(0))) >= 4 and not not_a_phone(rest, *m.span())
            for m in DIGIT_RUN.finditer(rest)
        ):
            methods.problems.append(Problem("phone_length"))
        else:
            methods.problems.append(Problem("methods_missing"))
    return methods


def parse_name_and_company(text: str) -> tuple[str | Problem, str | None]:
    """The answer to "your name?", and a company if it follows the name ("Zhang Wei, ABC Co.")."""
    name, rest = _parse_name_answer(text, lambda rest: company_after_name(rest) is not None)
    return name, (None if isinstance(name, Problem) else company_after_name(rest))


def parse_name(text: str) -> str | Problem:
    """A person's name in Chinese, Latin or Cyrillic script, titles and an alias kept ("王先生",
    "Dr. Olga Ivanova", "伊万 (Ivan Petrov)"); labels ("我叫", "my name is") and padding dropped."""
    return parse_name_and_company(text)[0]


def extract_details(text: str) -> Details:
    """Every contact detail clearly present anywhere in a free message (a problem description
    may carry them): labelled names and companies, valid emails, labelled WeChat IDs, and
    numbers that are plainly phone numbers. Precision over recall: nothing is guessed."""
    folded = fold(text)
    hits = [h for h in _scan(folded) if not isinstance(h.value, Problem)]
    phones = [h for h in _preferred(hits) if h.labelled or (h.phone and h.phone.explicit)]
    wechat = next((str(h.value) for h in hits if h.kind == "wechat"), None)
    if wechat is None and phones and phones[0].phone and any(h.kind == "same" for h in hits):
        wechat = phones[0].phone.national
    return Details(
        name=find_name(folded),
        company=find_company(folded),
        phone=str(phones[0].value) if phones else None,
        email=next((str(h.value) for h in hits if h.kind == "email"), None),
        wechat_id=wechat,
    )


def is_contact_details_message(text: str) -> bool:
    """Whether a message is mainly contact details ("手机 139…，邮箱 …", "王晓燕 13904512233"), so
    that it is never taken for a command such as "delete my data"."""
    folded = fold(text)
    hits = _scan(folded)
    if not hits:
        tokens = folded.split()
        return len(tokens) == 1 and bool(WECHAT_ID.match(tokens[0])) and bool(re.search(r"\d|_", tokens[0]))
    rest = _rest(folded, hits)
    for detail in (find_name(folded), find_company(folded)):
        rest = rest.replace(detail, " ") if detail else rest
    rest = _FILLER.sub(" ", rest)
    if looks_like_name(re.sub(r"[,;:。、!?]", " ", rest)):
        return True
    left, total = (len(re.sub(r"[\W_]+", "", t)) for t in (rest, folded))
    return left <= max(2, total // 5)
