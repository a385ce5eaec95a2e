"""The follow-up questions: which a topic needs (fewer when urgent), the choices they offer,
what an answer means, and the immediate steps of an urgent matter. The read-back lives in
`bot.readback`, urgency in `bot.triage`, the meaning of yes/no and options in `bot.answers`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, cast

import yaml

from bot import topics
from bot.answers import SKIP, agreement, is_skip, looks_like_garbage, pick
from bot.language import Language
from bot.replies import Choice, Said
from bot.topics import Question

KNOWLEDGE = Path(__file__).resolve().parent / "knowledge" / "intake.yml"
# The privacy notice shown before any personal question (domain: utter_ask_privacy_consent).
# Change the version whenever its text changes: each lead records the version it agreed to.
NOTICE_VERSION = "2026-11-29"
SKIPPED = "unknown"  # the stored answer for "don't know" / "skip" (the lead's vocabulary)
UNCLEAR = "unclear"  # two bad answers in a row: recorded as such, and the bot moves on
MAX_ANSWER = 500
MAX_BAD_ANSWERS = 2
# How many questions a high-urgency matter keeps, when its topic does not list them.
URGENT_QUESTIONS = 2
_URGENT_KEYS: dict[str, tuple[str, ...]] = {
    "data_breach": ("ongoing_or_contained", "affected_data", "regulators_involved"),
    "investigation": ("authority", "received", "deadline"),
    "criminal": ("involved_person", "stage"),
}


@lru_cache(maxsize=1)
def texts() -> dict[str, Any]:
    return cast("dict[str, Any]", yaml.safe_load(KNOWLEDGE.read_text(encoding="utf-8")))


def text(key: str, language: Language, **values: object) -> str:
    """One bilingual text of bot/knowledge/intake.yml, with {placeholders} filled in."""
    node = texts()
    for part in key.split("."):
        node = node[part]
    return str(node[language]).format(**values)


# ---------------------------------------------------------------- questions


def questions_for(code: str, urgency: str = "normal") -> tuple[Question, ...]:
    """The follow-up questions of a topic; a high-urgency matter gets only the essential ones."""
    questions = topics.get(code).questions
    if urgency != "high":
        return questions
    keys = _URGENT_KEYS.get(code)
    if keys:
        return tuple(q for q in questions if q.key in keys)
    return questions[:URGENT_QUESTIONS]


def next_question(code: str | None, urgency: str, answers: Mapping[str, object]) -> Question | None:
    if code not in topics.TOPIC_CODES:
        return None
    return next((q for q in questions_for(code, urgency) if q.key not in answers), None)


def question_choices(question: Question, language: Language) -> tuple[Choice, ...]:
    """Each option as a choice (its value is the option's), plus "skip"; none for free text."""
    if not question.options:
        return ()
    return (
        *(Choice(option.label[language], option.value) for option in question.options),
        Choice(text("skip_button", language), SKIP),
    )


_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


@dataclass(frozen=True)
class Invalid:
    """The answer could not be used; `reason` says why ("choose": pick an option, "free_text")."""

    reason: str


def _option_choices(question: Question) -> list[Choice]:
    """The options with their labels in both languages: a label typed in either picks it."""
    return [Choice(label, option.value) for option in question.options for label in option.label.values()]


def match_option(question: Question, said: Said) -> str | None:
    """The option an answer picks: a button's value, its number, its label (or a unique part of
    it) in either language, or a plain yes/no for yes/no questions."""
    numbered = [Choice(option.label["en"], option.value) for option in question.options]
    picked = (
        pick(numbered, Said(said.text, said.choice)) if re.fullmatch(r"\s*\S{1,4}\s*", said.text) else None
    )
    picked = picked or pick(_option_choices(question), said)
    if picked:
        return picked
    values = [option.value for option in question.options]
    agreed = agreement(said) if len(said.text) <= 40 else None
    if "yes" in values and agreed is True:
        return "yes"
    if "no" in values and agreed is False:
        return "no"
    return None


def interpret(question: Question, said: Said) -> str | Invalid:
    """What an answer to a follow-up question means, as it will be stored.

    A choice question takes its option's value; a free explanation in place of a choice is
    kept as typed (people explain); "don't know"/"skip" is stored as `SKIPPED`. An answer is an
    answer: "no, nothing yet" to a free question is kept as typed, not taken for a skip."""
    if is_skip(said):
        return SKIPPED
    if question.options:
        option = match_option(question, said)
        if option:
            return option
    raw = said.text
    if looks_like_garbage(raw) or raw.strip().startswith("/"):
        return Invalid("choose" if question.options else "free_text")
    if question.options and len(raw.split()) < 2 and len(_CJK.findall(raw)) < 3:
        return Invalid("choose")
    return " ".join(raw.split())[:MAX_ANSWER]


def answer_label(code: str, key: str, value: object, language: Language) -> str:
    """An answer as the user reads it back: the option's label, or what they typed."""
    question = next((q for q in topics.get(code).questions if q.key == key), None)
    if value == SKIPPED:
        return text("summary.skipped", language)
    if value == UNCLEAR:
        return text("summary.unclear", language)
    if question:
        for option in question.options:
            if option.value == value:
                return option.label[language]
    return str(value)


def is_sensitive(code: str | None, answers: Mapping[str, object]) -> bool:
    """Whether the matter carries sensitive details (criminal matters, health, financial
    accounts: PIPL Art. 28), which need their own consent before they go into a lead."""
    if code not in topics.TOPIC_CODES:
        return False
    sensitive_keys = {q.key for q in topics.get(code).questions if q.sensitive}
    return code == "criminal" or any(key in answers for key in sensitive_keys)


def without_sensitive(code: str, answers: Mapping[str, object]) -> dict[str, object]:
    sensitive_keys = {q.key for q in topics.get(code).questions if q.sensitive}
    return {key: value for key, value in answers.items() if key not in sensitive_keys}


# ---------------------------------------------------------------- triage

_ONGOING = re.compile(
    r"right now|as we speak|still (?:happening|going on|leaking|encrypting|under attack|being)|"
    r"ongoing|in progress|currently (?:being )?(?:hacked|attacked|leaking|down)|"
    r"being (?:hacked|attacked|ddos)|under attack|"
    r"(?:正在|还在|仍在|持续)(?:被)?(?:攻击|入侵|泄露|外泄|加密|勒索|删|篡改|扩散|发生)|"
    r"(?:现在|此刻|目前)(?:还|仍)?(?:在)?(?:被攻击|被入侵|泄露|中毒)",
    re.IGNORECASE,
)
_DETENTION = re.compile(
    r"detain|arrest|in custody|taken away by (?:the )?police|locked up|"
    r"拘留|逮捕|被抓|抓走|带走|羁押|刑拘|关起来|看守所",
    re.IGNORECASE,
)
_AUTHORITY_CONTACT = re.compile(
    r"police\b.{0,25}(?:came|come|called|visited|contacted|want|asked|raided|summoned|questioned)|"
    r"(?:cac|miit|regulator|authorit(?:y|ies)|cyberspace administration|public security|"
    r"market supervision|communications administration)\b.{0,40}"
    r"(?:called|contacted|sent|visited|inspect|raid|summon|notice|order|fine|letter)|"
    r"summons|raided|dawn raid|rectification order|"
    r"约谈|传唤|找上门|上门(?:检查|调查)|来查|突击检查|"
    r"(?:公安|警察|派出所|网警|网信办|网信|工信|通信管理局|市场监管)[^。！？]{0,12}"
    r"(?:找|来|联系|传唤|通知|约谈|检查|调查|要求|处罚|罚)|"
    r"(?:收到|接到)[^。！？]{0,12}(?:通知|整改|处罚|罚单|函)|责令",
    re.IGNORECASE,
)
_NUMBER = r"(\d{1,3}|[一二两三四五六七八九十]{1,3})"
_DEADLINE_DAYS = re.compile(
    rf"(?:within|in|only|next|have|got)\s+{_NUMBER}\s+(?:business |working )?days?|"
    rf"{_NUMBER}\s+days?\s+(?:left|to (?:respond|reply|comply|fix)|deadline)|"
    rf"{_NUMBER}\s*(?:个)?(?:工作)?(?:天|日)(?:内|之内|以内|期限|后截止|截止)|"
    rf"(?:限期|期限|还有|只有|剩)\s*{_NUMBER}\s*(?:个)?(?:工作)?(?:天|日)",
    re.IGNORECASE,
)
_DEADLINE_WEEKS = re.compile(
    rf"(?:within|in)\s+{_NUMBER}\s+weeks?|{_NUMBER}\s*(?:个)?(?:周|星期)(?:内|之内)", re.IGNORECASE
)
_DEADLINE_SOON = re.compile(
    r"\b(?:today|tomorrow|tonight|this week|next week|by (?:monday|tuesday|wednesday|thursday|"
    r"friday|saturday|sunday))\b|今天|明天|后天|今晚|本周|这周|下周|周[一二三四五六日末]前|星期[一二三四五六日天]前",
    re.IGNORECASE,
)
_CHINESE_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
URGENT_WITHIN_DAYS = 14


def _number(value: str) -> int:
    if value.isdigit():
        return int(value)
    if value.startswith("十"):
        return 10 + _CHINESE_DIGITS.get(value[1:], 0)
    if "十" in value:
        tens, _, ones = value.partition("十")
        return _CHINESE_DIGITS.get(tens, 1) * 10 + _CHINESE_DIGITS.get(ones, 0)
    return _CHINESE_DIGITS.get(value, 99)


def deadline_is_near(message: str) -> bool:
    """A deadline within 14 days: "within 7 days", "10天内", "下周", "by Friday"."""
    for match in _DEADLINE_DAYS.finditer(message):
        number = next(group for group in match.groups() if group)
        if _number(number) <= URGENT_WITHIN_DAYS:
            return True
    for match in _DEADLINE_WEEKS.finditer(message):
        number = next(group for group in match.groups() if group)
        if _number(number) <= 2:
            return True
    return bool(_DEADLINE_SOON.search(message))


# Answers that by themselves make a matter urgent: (question key, value) -> reason.
_URGENT_ANSWERS: dict[tuple[str, str], str] = {
    ("ongoing_or_contained", "ongoing"): "ongoing_incident",
    ("regulators_involved", "yes"): "authority_contact",
    ("authority_request", "yes"): "authority_contact",
    ("received", "inspection"): "authority_contact",
    ("received", "rectification"): "authority_contact",
    ("received", "penalty"): "authority_contact",
    ("stage", "investigation"): "authority_contact",
    ("stage", "charged"): "authority_contact",
    ("stage", "detained"): "detention",
}
_PATTERNS = (
    ("ongoing_incident", _ONGOING.search),
    ("detention", _DETENTION.search),
    ("authority_contact", _AUTHORITY_CONTACT.search),
    ("deadline", deadline_is_near),
)


def triage(message: str, answers: Mapping[str, object] | None = None) -> list[str]:
    """The reasons a matter is urgent (empty when it is not): an ongoing incident, a detention,
    police or regulator contact, a deadline within 14 days - in the message or the answers."""
    answers = answers or {}
    found = {
        _URGENT_ANSWERS[(key, str(value))]
        for key, value in answers.items()
        if (key, str(value)) in _URGENT_ANSWERS
    }
    for value in (message, *(str(v) for v in answers.values())):
        found.update(reason for reason, matches in _PATTERNS if matches(value))
    return [reason for reason, _ in _PATTERNS if reason in found]


def urgency(reasons: list[str]) -> str:
    return "high" if reasons else "normal"


def immediate_steps(reasons: list[str], language: Language) -> str:
    """What to do right now, most pressing first, for the reasons a matter is urgent."""
    lines = [text("immediate.heading", language)]
    for reason in ("detention", "ongoing_incident", "authority_contact", "deadline"):
        if reason in reasons:
            lines.append("• " + text(f"immediate.{reason}", language))
    lines.append("• " + text("immediate.records", language))
    return "\n".join(lines)
