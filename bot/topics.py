"""The IT-law topics: codes, names, follow-up questions, general information and documents
to prepare, in English and Chinese. Each topic's knowledge has one home,
`bot/knowledge/topics/<code>.yml`; this module loads and renders it."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Mapping

import yaml

from bot.language import LANGUAGES, Language

TOPICS_DIR = Path(__file__).resolve().parent / "knowledge" / "topics"
OUT_OF_SCOPE = "out_of_scope"
INTENT_PREFIX = "topic_"

# The order of the brief's table: buttons and listings follow it.
TOPIC_CODES: tuple[str, ...] = (
    "icp",
    "personal_info",
    "cross_border",
    "data_breach",
    "ip",
    "contract",
    "investigation",
    "cybersecurity",
    "localization",
    "foreign_investment",
    "criminal",
    "employment",
    "ecommerce",
)

Text = Mapping[str, str]  # {"en": ..., "zh": ...}


@dataclass(frozen=True)
class Option:
    value: str
    label: Text


@dataclass(frozen=True)
class Question:
    key: str
    text: Text
    options: tuple[Option, ...] = ()
    sensitive: bool = False


@dataclass(frozen=True)
class Note:
    """General information that applies only when the answers match `when`."""

    when: Mapping[str, str]
    text: Text

    def applies(self, answers: Mapping[str, object]) -> bool:
        return all(str(answers.get(key)) == str(value) for key, value in self.when.items())


@dataclass(frozen=True)
class Topic:
    code: str
    name: Text
    acknowledge: Text
    info: Mapping[str, tuple[str, ...]]
    documents: Mapping[str, tuple[str, ...]]
    questions: tuple[Question, ...] = ()
    notes: tuple[Note, ...] = field(default=())

    @property
    def intent(self) -> str:
        return INTENT_PREFIX + self.code

    def information(self, language: Language, answers: Mapping[str, object] | None = None) -> str:
        """The general information as a bulleted text, notes matching the answers first."""
        answers = answers or {}
        specific = [note.text[language] for note in self.notes if note.applies(answers)]
        return "\n".join(f"• {line}" for line in [*specific, *self.info[language]])

    def documents_text(self, language: Language) -> str:
        heading = "Documents to prepare for a consultation:" if language == "en" else "咨询前建议准备："
        return "\n".join([heading, *(f"• {item}" for item in self.documents[language])])


def _text(raw: Mapping, where: str) -> dict[str, str]:
    missing = [lang for lang in LANGUAGES if not str(raw.get(lang, "")).strip()]
    if missing:
        raise ValueError(f"{where}: missing {', '.join(missing)} text")
    return {lang: str(raw[lang]).strip() for lang in LANGUAGES}


def _lines(raw: Mapping, where: str) -> dict[str, tuple[str, ...]]:
    result = {}
    for lang in LANGUAGES:
        items = tuple(str(item).strip() for item in (raw.get(lang) or []))
        if not items:
            raise ValueError(f"{where}: no {lang} items")
        result[lang] = items
    return result


def parse_topic(raw: Mapping, where: str) -> Topic:
    """Builds a Topic from one knowledge file's content, insisting on both languages."""
    questions = tuple(
        Question(
            key=q["key"],
            text=_text(q["text"], f"{where} question {q['key']}"),
            options=tuple(
                Option(value=str(o["value"]), label=_text(o["label"], f"{where} {q['key']} option"))
                for o in q.get("options") or []
            ),
            sensitive=bool(q.get("sensitive", False)),
        )
        for q in raw.get("questions") or []
    )
    notes = tuple(
        Note(when={k: str(v) for k, v in n["when"].items()}, text=_text(n["text"], f"{where} note"))
        for n in raw.get("notes") or []
    )
    return Topic(
        code=raw["code"],
        name=_text(raw["name"], f"{where} name"),
        acknowledge=_text(raw["acknowledge"], f"{where} acknowledge"),
        info=_lines(raw["info"], f"{where} info"),
        documents=_lines(raw["documents"], f"{where} documents"),
        questions=questions,
        notes=notes,
    )


@lru_cache(maxsize=1)
def all_topics() -> dict[str, Topic]:
    """Every topic, by code, in the brief's order."""
    topics = {}
    for code in TOPIC_CODES:
        path = TOPICS_DIR / f"{code}.yml"
        topic = parse_topic(yaml.safe_load(path.read_text(encoding="utf-8")), str(path))
        if topic.code != code:
            raise ValueError(f"{path}: code {topic.code!r} does not match the file name")
        topics[code] = topic
    return topics


def get(code: str) -> Topic:
    return all_topics()[code]


def topic_of_intent(intent: str | None) -> str | None:
    """Maps an NLU intent to a topic code, `out_of_scope`, or None (not a problem description)."""
    if not intent:
        return None
    if intent == OUT_OF_SCOPE:
        return OUT_OF_SCOPE
    if intent.startswith(INTENT_PREFIX) and intent[len(INTENT_PREFIX):] in TOPIC_CODES:
        return intent[len(INTENT_PREFIX):]
    return None


_SOMETHING_ELSE = {"en": "Something else", "zh": "其他问题"}


def topic_buttons(language: Language) -> list[dict[str, str]]:
    """Every topic as a button whose payload selects its intent, plus "something else"."""
    buttons = [
        {"title": topic.name[language], "payload": f"/{topic.intent}"}
        for topic in all_topics().values()
    ]
    buttons.append({"title": _SOMETHING_ELSE[language], "payload": f"/{OUT_OF_SCOPE}"})
    return buttons
