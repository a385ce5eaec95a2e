"""The vocabulary of the triage engine (bot/triage.py): the cue lists of bot/knowledge/triage.yml
as regular expressions. English entries match as whole words (Latin-script edges, so that "收到CAC
通知" names the CAC), Chinese ones as they are; `{auth}` and `{person}` in an entry stand for any
authority and any person word."""

from __future__ import annotations

import re
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, Sequence

import yaml

KNOWLEDGE = Path(__file__).resolve().parent / "knowledge" / "triage.yml"


@lru_cache(maxsize=1)
def vocabulary() -> dict[str, Any]:
    loaded = yaml.safe_load(KNOWLEDGE.read_text(encoding="utf-8"))
    if not isinstance(loaded, dict):
        raise ValueError(f"{KNOWLEDGE} is not a mapping")
    return loaded


def node(path: str) -> Any:
    found: Any = vocabulary()
    for part in path.split("."):
        found = found[part]
    return found


def _patterns(path: str) -> tuple[list[str], list[str]]:
    found = node(path)
    if isinstance(found, dict):
        return [str(p) for p in found.get("en") or []], [str(p) for p in found.get("zh") or []]
    return [str(p) for p in found], []


def _alternation(patterns: Sequence[str]) -> str:
    return "|".join(f"(?:{p})" for p in patterns) or r"(?!x)x"


@cache
def _words(path: str) -> str:
    """A word list as one alternation: English entries as whole words, Chinese as they are."""
    english, chinese = _patterns(path)
    # Latin-script edges, so that "收到CAC通知" names the CAC (a CJK letter is a \w too).
    return _alternation([rf"(?<![A-Za-z0-9_])(?:{p})(?![A-Za-z0-9_])" for p in english] + chinese)


@cache
def rx(path: str) -> re.Pattern[str]:
    english, chinese = _patterns(path)
    authority, person = f"(?:{_words('entities.authority')})", f"(?:{_words('entities.person')})"
    expanded = [p.replace("{auth}", authority).replace("{person}", person) for p in english + chinese]
    return re.compile(_alternation(expanded), re.IGNORECASE)


@cache
def entity_rx(kind: str) -> re.Pattern[str]:
    return re.compile(_words(f"entities.{kind}"), re.IGNORECASE)
