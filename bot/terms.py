"""The legal-term gazetteer (`bot/knowledge/terms.yml`): laws, permits, authorities and data
categories in both languages, used by the spaCy entity ruler and the glossary."""

from __future__ import annotations

from pathlib import Path
from typing import TypedDict, cast

import yaml

TERMS_FILE = Path(__file__).resolve().parent / "knowledge" / "terms.yml"
ENTITY_LABELS = ("law", "permit", "authority", "data_category")


class Term(TypedDict):
    """One gazetteer entry: its id and the patterns (in both languages) that mention it."""

    id: str
    patterns: list[str]


def load_terms(path: Path = TERMS_FILE) -> dict[str, list[Term]]:
    """Returns {label: [{"id": ..., "patterns": [...]}, ...]} for the entity labels."""
    terms = cast("dict[str, list[Term]]", yaml.safe_load(path.read_text(encoding="utf-8")))
    unknown = set(terms) - set(ENTITY_LABELS)
    if unknown:
        raise ValueError(f"{path}: unknown entity labels {sorted(unknown)}")
    return terms
