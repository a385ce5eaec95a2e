"""Short explanations of legal terms, for questions asked in the middle of an intake."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Iterable

import yaml

from bot.language import Language
from bot.terms import load_terms

GLOSSARY = Path(__file__).resolve().parent / "knowledge" / "glossary.yml"


@lru_cache(maxsize=1)
def _entries() -> dict[str, dict[str, str]]:
    return yaml.safe_load(GLOSSARY.read_text(encoding="utf-8"))


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
    return "\n".join(_entries()[key][language] for key in seen)
