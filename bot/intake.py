"""The follow-up questions: which a topic needs (fewer when urgent), the choices they offer,
what an answer means, and the immediate steps of an urgent matter. The read-back lives in
`bot.readback`, urgency in `bot.triage`, the meaning of yes/no and options in `bot.answers`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping, cast

import yaml

from bot import topics, triage
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
    """The follow-up questions of a topic; a high-urgency matter gets only the essential ones of
    its own, and the shared ones (asked only after a demand) in any case."""
    questions = topics.get(code).questions
    if urgency != "high":
        return questions
    own = tuple(q for q in questions if not q.after_demand)
    shared = tuple(q for q in questions if q.after_demand)
    keys = _URGENT_KEYS.get(code)
    essential = tuple(q for q in own if q.key in keys) if keys else own[:URGENT_QUESTIONS]
    return (*essential, *shared)


def next_question(
    code: str | None,
    urgency: str,
    answers: Mapping[str, object],
    sensitive: bool = True,
    story: str = "",
) -> Question | None:
    """The topic's next unanswered question; `sensitive=False` (the user refused their separate
    consent) passes over the sensitive ones; a question asked after a demand only when the
    description `story` mentions one that gives no date."""
    if code not in topics.TOPIC_CODES:
        return None
    return next(
        (
            q
            for q in questions_for(code, urgency)
            if q.key not in answers
            and (sensitive or not q.sensitive)
            and (not q.after_demand or triage.demand_without_date(story))
        ),
        None,
    )


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


def sensitive_keys(code: str | None) -> frozenset[str]:
    """The keys of a topic's sensitive questions (asked only after their separate consent)."""
    if code not in topics.TOPIC_CODES:
        return frozenset()
    return frozenset(q.key for q in topics.get(code).questions if q.sensitive)


def is_sensitive(code: str | None, answers: Mapping[str, object], reasons: Iterable[str] = ()) -> bool:
    """Whether the matter carries sensitive details (criminal matters, a detention, health,
    financial accounts: PIPL Art. 28), which need their own consent before they go into a lead:
    a topic with sensitive questions, a sensitive answer, or a detention among the reasons it is
    urgent."""
    keys = sensitive_keys(code)
    return code == "criminal" or bool(keys) or "detention" in reasons or any(k in answers for k in keys)


def without_sensitive(code: str, answers: Mapping[str, object]) -> dict[str, object]:
    keys = sensitive_keys(code)
    return {key: value for key, value in answers.items() if key not in keys}


# ---------------------------------------------------------------- the user's story

# Messages that add to a story told before the topic is known: an "answer" when nothing was asked
# ("he bought 12 boxes, now wants ten times back"), a "no" that goes on telling.
ADDING_INTENTS = ("inform", "deny")
MAX_STORY_MESSAGES = 5
_WORD = re.compile(r"[A-Za-z0-9]+")


def tells_more(text: str) -> bool:
    """Long enough to be more of the story, not a bare "no", a number or a name."""
    return len(_WORD.findall(text)) >= 4 or len(_CJK.findall(text)) >= 6


def story(said: Iterable[tuple[str, str | None]]) -> list[str]:
    """The user's story, from the messages typed since the bot last started a matter or a form
    (oldest first, each with its intent): the problem descriptions (a topic, unclear, out of
    scope) and what adds to them. A message refused as out of scope stays, with what it added,
    only when that part is worth a second look (`topics.worth_a_second_look`): a refused
    divorce question does not go into the lead of the website question asked next."""
    describing = {*(topic.intent for topic in topics.all_topics().values()), "nlu_fallback"}
    kept_said = [
        (text.strip(), intent)
        for text, intent in said
        if text.strip()
        and not text.strip().startswith("/")
        and (
            intent in describing
            or intent == topics.OUT_OF_SCOPE
            or (intent in ADDING_INTENTS and tells_more(text))
        )
    ]
    kept: list[str] = []
    index = 0
    while index < len(kept_said):
        text, intent = kept_said[index]
        if intent != topics.OUT_OF_SCOPE:
            kept.append(text)
            index += 1
            continue
        end = index + 1
        while end < len(kept_said) and kept_said[end][1] in ADDING_INTENTS:
            end += 1
        part = [t for t, _ in kept_said[index:end]]
        if topics.worth_a_second_look(" ".join(part)):
            kept.extend(part)
        index = end
    return kept[-MAX_STORY_MESSAGES:]


def joined(parts: Iterable[str]) -> str:
    """The story's messages as one description."""
    return " ".join(part.strip() for part in parts if part.strip())


# ---------------------------------------------------------------- what to do right now (urgency itself: bot.triage)


def immediate_steps(reasons: list[str], language: Language) -> str:
    """What to do right now, most pressing first, for the reasons a matter is urgent."""
    lines = [text("immediate.heading", language)]
    for reason in ("detention", "ongoing_incident", "authority_contact", "deadline"):
        if reason in reasons:
            lines.append("• " + text(f"immediate.{reason}", language))
    lines.append("• " + text("immediate.records", language))
    return "\n".join(lines)
