"""Which messages are commands, and which are answers.

The classifier is good at telling what a message is about, and too quick to hear a command in
an answer: a name correction heard as "wrong topic", a customer's deletion request heard as the
user's own "delete my data", contact details heard as "what do you have about me". So a command
the classifier proposes stands only when the message says it unmistakably (a pattern of
`knowledge/commands.yml` matches and none of its vetoes does); otherwise the message is taken
for what it most likely is besides (an answer, or a problem description)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

import yaml

KNOWLEDGE = Path(__file__).resolve().parent / "knowledge" / "commands.yml"
MAX_COMMAND_LENGTH = 200  # a long message is a description, whatever words it contains


def _flatten(items: Iterable[object]) -> list[str]:
    flat: list[str] = []
    for item in items:
        if isinstance(item, list):
            flat.extend(_flatten(item))
        elif item:
            flat.append(str(item))
    return flat


@lru_cache(maxsize=1)
def _rules() -> dict[str, tuple[list[re.Pattern[str]], list[re.Pattern[str]]]]:
    data = yaml.safe_load(KNOWLEDGE.read_text(encoding="utf-8"))
    rules = {}
    for name, rule in data.items():
        if name == "others":
            continue
        patterns = [re.compile(p, re.IGNORECASE) for p in _flatten(rule.get("patterns") or [])]
        vetoes = [re.compile(p, re.IGNORECASE) for p in _flatten(rule.get("vetoes") or [])]
        rules[name] = (patterns, vetoes)
    return rules


def commands() -> tuple[str, ...]:
    """The commands whose classification is checked against their patterns."""
    return tuple(_rules())


def is_unmistakable(command: str, text: str) -> bool:
    """Whether `text` says `command` so plainly that it may interrupt a question."""
    rule = _rules().get(command)
    if rule is None:
        return True  # not a gated command
    value = " ".join(text.split())
    if not value or len(value) > MAX_COMMAND_LENGTH:
        return False
    patterns, vetoes = rule
    return any(p.search(value) for p in patterns) and not any(v.search(value) for v in vetoes)


def best_reading(ranking: Sequence[tuple[str, float]], text: str) -> tuple[str, float] | None:
    """The most likely intent of a message once commands it does not say plainly are set aside:
    the first (intent, confidence) of the classifier's ranking that is not a gated command, or is
    one said unmistakably. None when the ranking holds nothing else."""
    for intent, confidence in ranking:
        if is_unmistakable(intent, text):
            return intent, confidence
    return None


_WORDS = re.compile(
    r"[0-9A-Za-z\u00c0-\u024f\u0400-\u04ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]"
)


def has_words(text: str) -> bool:
    """False for empty, symbol-only and emoji-only messages: nothing to classify."""
    return bool(_WORDS.search(text))
