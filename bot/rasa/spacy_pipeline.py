"""Builds the project's own spaCy pipeline: a blank Chinese pipeline segmented by jieba
(which splits English on spaces as well) plus an entity ruler of legal terms in both
languages, read from `bot/knowledge/terms.yml`.

Run as a module to write the pipeline where `config.yml` expects it:
    python -m bot.rasa.spacy_pipeline [OUTPUT_DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import cast

import spacy
from spacy.pipeline import EntityRuler

from bot.settings import load as load_settings
from bot.terms import ENTITY_LABELS, TERMS_FILE, Term, load_terms  # noqa: F401 (re-exported)


def build(terms: dict[str, list[Term]]) -> spacy.language.Language:
    """A blank zh pipeline (jieba) with an entity ruler matching the terms case-insensitively."""
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    ruler = cast(EntityRuler, nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"}))
    ruler.add_patterns(
        [
            {"label": label, "pattern": pattern, "id": term["id"]}
            for label, entries in terms.items()
            for term in entries
            for pattern in term["patterns"]
        ]
    )
    nlp.meta["name"] = "lawbot"
    nlp.meta["description"] = "Harbin IT-law assistant: jieba tokenizer and legal-term entity ruler"
    return nlp


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else load_settings().spacy_model_dir
    nlp = build(load_terms())
    out.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(out)
    ruler = cast(EntityRuler, nlp.get_pipe("entity_ruler"))
    print(f"spaCy pipeline with {len(ruler)} term patterns written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
