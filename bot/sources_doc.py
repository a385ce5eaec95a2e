"""docs/legal-sources.md, generated from the sources catalogue and the knowledge files that cite
it (tests/unit/test_legal_sources.py fails when the two disagree)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

import yaml

from bot.sources import Ref, sources
from bot.topics import TOPIC_CODES, TOPICS_DIR

# ---------------------------------------------------------------- the sources, documented

KNOWLEDGE_DIR = TOPICS_DIR.parent


def _load(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return loaded


def knowledge_facts() -> list[tuple[str, Mapping[str, Any]]]:
    """Every raw fact of the knowledge files that can carry sources, with where it is: topic
    acknowledgements, information and notes; glossary entries; the immediate steps' basis."""
    found: list[tuple[str, Mapping[str, Any]]] = []
    for code in TOPIC_CODES:
        raw = _load(TOPICS_DIR / f"{code}.yml")
        if "sources" in (raw.get("acknowledge") or {}):
            found.append((f"topics/{code}.yml acknowledge", raw["acknowledge"]))
        info = raw.get("info")
        for number, item in enumerate(info if isinstance(info, list) else [], 1):
            found.append((f"topics/{code}.yml info {number}", item))
        for number, item in enumerate(raw.get("notes") or [], 1):
            found.append((f"topics/{code}.yml note {number}", item))
    for key, entry in _load(KNOWLEDGE_DIR / "glossary.yml").items():
        found.append((f"glossary.yml {key}", entry))
    basis = (_load(KNOWLEDGE_DIR / "intake.yml").get("immediate") or {}).get("basis") or {}
    for key, entry in basis.items():
        found.append((f"intake.yml immediate.{key}", entry))
    return found


def sources_markdown() -> str:
    """docs/legal-sources.md: the catalogue, with the articles relied on and where each source is
    cited. Regenerate after editing sources.yml or a fact's sources:
    `.venv/bin/python -c "from bot.sources_doc import sources_markdown; print(sources_markdown(), end='')" > docs/legal-sources.md`."""
    cited_in: dict[str, dict[str, int]] = {}
    for where, raw in knowledge_facts():
        file = where.split(" ")[0]
        for ref in (Ref.parse(r) for r in raw.get("sources") or ()):
            places = cited_in.setdefault(ref.source, {})
            places[file] = places.get(file, 0) + 1
    lines = [
        "# Legal sources",
        "",
        "<!-- Generated from bot/knowledge/sources.yml by bot.sources_doc.sources_markdown();",
        "     tests/unit/test_legal_sources.py fails when the two disagree. Do not edit by hand. -->",
        "",
        "The laws, regulations and official notices the bot's statements of law rest on. Each fact in",
        "`bot/knowledge/topics/*.yml`, each glossary entry and each immediate step in",
        "`bot/knowledge/intake.yml` names its sources by id (`pipl:57`) and the date it was checked",
        "(`as_of`); the bot shows the short form with the fact, in the user's language",
        '("(PIPL Art. 57)" / "（《个人信息保护法》第五十七条）"). Practical guidance that states no law',
        "is marked `practice: true` and carries no citation.",
        "",
        f"{len(sources())} sources.",
        "",
        "| id | source | issuer | dates | articles relied on | cited in |",
        "|---|---|---|---|---|---|",
    ]
    for source in sources().values():
        title = f"{source.title['en']}<br>{source.title['zh']}"
        if source.url:
            title = f"[{source.title['en']}]({source.url})<br>{source.title['zh']}"
        dates = f"issued {source.date}"
        if source.amended:
            dates += f"; amended {source.amended}"
        if source.in_force:
            dates += f"; in force {source.in_force}"
        articles = ", ".join(source.articles) or "(as a whole)"
        cited = ", ".join(f"{file} ({count})" for file, count in sorted(cited_in.get(source.id, {}).items()))
        lines.append(
            f"| `{source.id}` | {title} | {source.issuer['en']} | {dates} | {articles} | {cited or '-'} |"
        )
    notes = [source for source in sources().values() if source.note]
    if notes:
        lines += ["", "## Notes", ""]
        lines += [f"- `{source.id}`: {source.note}" for source in notes]
    return "\n".join(lines) + "\n"
