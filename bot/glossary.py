"""Short explanations of legal terms, for questions asked in the middle of an intake. Each
explanation states law, so it is shown with its sources (bot/knowledge/sources.yml) in short form
in the user's language."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Iterable

import yaml

from bot.language import Language
from bot.sources import Fact
from bot.terms import load_terms
from bot.topics import parse_fact

GLOSSARY = Path(__file__).resolve().parent / "knowledge" / "glossary.yml"


@lru_cache(maxsize=1)
def _entries() -> dict[str, Fact]:
    """Every explanation by term id: its text in both languages, its sources and as-of date."""
    raw = yaml.safe_load(GLOSSARY.read_text(encoding="utf-8")) or {}
    return {key: parse_fact(entry, f"{GLOSSARY} {key}") for key, entry in raw.items()}


def explanation(term: str, language: Language) -> str:
    """One term's explanation followed by its short citation: "... (PIPL Art. 28)"."""
    entry = _entries()[term]
    return ("" if language == "zh" else " ").join(
        filter(None, (entry.text[language], entry.citation(language)))
    )


@lru_cache(maxsize=1)
def _term_ids() -> dict[str, str]:
    """Every pattern of the gazetteer (lower-cased) -> its term id."""
    return {
        pattern.lower(): term["id"]
        for terms in load_terms().values()
        for term in terms
        for pattern in term["patterns"]
    }


def term_id(mention: str) -> str | None:
    return _term_ids().get(mention.strip().lower())


def explain(mentions: Iterable[str], language: Language) -> str | None:
    """The explanations of the terms mentioned (by the entity extractor), or None."""
    seen: list[str] = []
    for mention in mentions:
        found = term_id(mention)
        if found and found in _entries() and found not in seen:
            seen.append(found)
    if not seen:
        return None
    return "\n".join(explanation(key, language) for key in seen)
