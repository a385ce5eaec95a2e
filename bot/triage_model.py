"""The second reader of triage: a small statistical model that has read some two thousand four
hundred intake messages labelled urgent or not by people (bot/knowledge/triage_examples/, written by
outside writers who never saw the rules), for the many ways of saying "my brother was taken in"
or "they are still inside our servers" that no word list foresees. It has also read the
problem descriptions of the NLU training data (data/nlu/<lang>/<topic>.yml) that the rules find
calm, as more examples of ordinary, non-urgent matters: without them it took every upset
shopkeeper for an emergency.

The rules (bot/triage.py) judge first and give their reasons. When they find nothing, the model
may still call a message urgent, and only when it is confident (`URGENT_AT`); its reasons are
those it is more sure of than not (at least the likeliest one), shown to the user in plain words
like any other. It never overrules the user's own "nothing urgent" nor an answer in the intake
that calms a reason (bot/triage.py applies those after it).

Character n-grams (1-4, both scripts), word pairs, and jieba's words and word pairs (Chinese has no
spaces: "还在往外转账" is read as 还在 / 往外 / 转账), TF-IDF, logistic regression (scikit-learn,
already installed with Rasa). The calm descriptions weigh 0.3 of a labelled example (they are
many, and not chosen to be hard). Deterministic. Training takes some twenty seconds (the rules judge
three thousand descriptions first), so the trained model is kept in models/triage_reader/ under
a hash of everything it was made from (examples, descriptions, the rule modules and word
lists, scikit-learn's version) and retrained only when one of them changes; the action server
warms it at start. `python -m bot.triage_model` prints the precision and recall of rules and model
together with each outside writer's examples left out in turn, per threshold: the reason
URGENT_AT is what it is.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import yaml

from bot import model_cache
from bot.settings import PROJECT_ROOT

EXAMPLES_DIR = PROJECT_ROOT / "bot" / "knowledge" / "triage_examples"
DESCRIPTIONS_DIR = PROJECT_ROOT / "data" / "nlu"
CACHE_DIR = PROJECT_ROOT / "models" / "triage_reader"
# what the rules are made of: a change there changes which descriptions count as calm
RULE_FILES = (
    *sorted((PROJECT_ROOT / "bot").glob("triage*.py")),
    PROJECT_ROOT / "bot" / "knowledge" / "triage.yml",
)
REASONS: tuple[str, ...] = ("detention", "ongoing_incident", "authority_contact", "deadline")
URGENT_AT = 0.8  # see main(): chosen by leave-one-writer-out cross-validation of rules and model together
# Where the rules judged something calm (a condition, a story, a release: bot/triage.py
# second_reader.defer_to) the model must be nearly sure to overrule them.
DEFERRED_AT = 0.98
CALM_WEIGHT = 0.3
REASON_AT = 0.5
MIN_CHARS = 8  # a word or two ("紧急", "help") is left to the rules


@dataclass(frozen=True)
class Labelled:
    text: str
    urgent: bool
    reasons: tuple[str, ...]


def load_examples(directory: Path = EXAMPLES_DIR, pattern: str = "*.yml") -> list[Labelled]:
    examples = []
    for path in sorted(directory.glob(pattern)):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            reasons = tuple(str(r) for r in item.get("reasons") or ())
            urgency = str(item.get("urgency") or ("high" if reasons else "normal"))
            examples.append(Labelled(str(item["text"]), urgency == "high", reasons))
    return examples


def words(text: str) -> list[str]:
    """jieba's words of a message, lower-cased, spaces dropped (English words come out whole)."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    return [word for word in jieba.lcut(text.lower()) if word.strip()]


def features() -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_union

    return make_union(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), sublinear_tf=True, min_df=2),
        TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True),
        TfidfVectorizer(
            tokenizer=words, token_pattern=None, lowercase=False, ngram_range=(1, 2), sublinear_tf=True
        ),
    )


def regression() -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=10, max_iter=2000, class_weight="balanced")


class UrgencyModel:
    """One classifier for "urgent at all" and one per reason, on the same features."""

    def __init__(self, examples: Sequence[Labelled], calm: Sequence[str] = ()) -> None:
        weights = [1.0] * len(examples) + [CALM_WEIGHT] * len(calm)
        examples = [*examples, *(Labelled(text, False, ()) for text in calm)]
        self._features = features()
        matrix = self._features.fit_transform([e.text for e in examples])
        self._urgent = regression().fit(matrix, [e.urgent for e in examples], sample_weight=weights)
        self._reasons = {  # a reason no example shows is never given
            reason: regression().fit(matrix, labels, sample_weight=weights)
            for reason in REASONS
            if any(labels := [reason in e.reasons for e in examples])
        }

    def urgent_probability(self, text: str) -> float:
        return float(self._urgent.predict_proba(self._features.transform([text]))[0][1])

    def reason_probabilities(self, text: str) -> dict[str, float]:
        return self._reason_chances(self._features.transform([text]))

    def _reason_chances(self, row: Any) -> dict[str, float]:
        return {reason: float(model.predict_proba(row)[0][1]) for reason, model in self._reasons.items()}

    def reasons(self, text: str, urgent_at: float = URGENT_AT) -> set[str]:
        """The reasons the model finds in the message; empty when it is not confident it is urgent."""
        if len(text.strip()) < MIN_CHARS:
            return set()
        row = self._features.transform([text])  # the message's features, computed once
        if float(self._urgent.predict_proba(row)[0][1]) < urgent_at:
            return set()
        chances = self._reason_chances(row)
        sure = {reason for reason, p in chances.items() if p >= REASON_AT}
        return sure or {max(chances, key=lambda reason: chances[reason])}


def description_files() -> list[Path]:
    """The NLU training data's problem descriptions, one file per topic and language."""
    from bot import topics  # late: topics loads the knowledge files, only needed here

    return sorted(p for p in DESCRIPTIONS_DIR.glob("*/*.yml") if p.stem in topics.all_topics())


def problem_descriptions(files: Iterable[Path]) -> list[str]:
    from bot.topic_reader import nlu_examples  # late: the topic reader imports this module's features

    return [text for path in files for _, text in nlu_examples(path)]


def reader(is_calm: Callable[[str], bool]) -> UrgencyModel:
    """The model, trained on the examples and on the descriptions `is_calm` accepts (the rules
    finding nothing in them); from the cache when nothing it is made of has changed."""
    examples_files = sorted(EXAMPLES_DIR.glob("*.yml"))
    descriptions = description_files()

    def build() -> UrgencyModel:
        calm = [text for text in problem_descriptions(descriptions) if is_calm(text)]
        return UrgencyModel(load_examples(), calm)

    return model_cache.cached(
        CACHE_DIR, model_cache.fingerprint([*examples_files, *descriptions, *RULE_FILES]), build
    )


def _load_file(path: Path) -> list[Labelled]:
    return load_examples(path.parent, path.name)


def writer_cross_validation(
    rules_urgent: Callable[[str], bool],
    rules_calm: Callable[[str], bool],
    calm: Sequence[str],
    thresholds: Sequence[float] = (0.6, 0.7, 0.8, 0.9),
    held_out: Sequence[str] | None = None,
) -> dict[str, list[tuple[float, float, float]]]:
    """Rules and model together, one outside writer's file left out at a time (the model trained on
    the rest): per language, (threshold, precision, recall) of "urgent". A new writer is what the
    model meets in use, so this, not a random split, is how URGENT_AT is chosen."""
    files = sorted(EXAMPLES_DIR.glob("*.yml"))
    data = {path: _load_file(path) for path in files}
    rows: dict[str, list[tuple[bool, bool, bool, float]]] = {}
    for held in (
        path for path in files if ".writer" in path.name and (held_out is None or path.name in held_out)
    ):
        model = UrgencyModel([e for path, ex in data.items() if path != held for e in ex], calm)
        for example in data[held]:
            rows.setdefault(held.name[:2], []).append(
                (
                    example.urgent,
                    rules_urgent(example.text),
                    rules_calm(example.text) or len(example.text.strip()) < MIN_CHARS,
                    model.urgent_probability(example.text),
                )
            )
    results: dict[str, list[tuple[float, float, float]]] = {}
    for language, judged in sorted(rows.items()):
        for threshold in thresholds:
            said = [
                truth
                for truth, by_rules, deferred, chance in judged
                if by_rules or chance >= (max(threshold, DEFERRED_AT) if deferred else threshold)
            ]
            actual = sum(1 for truth, *_ in judged if truth)
            results.setdefault(language, []).append(
                (threshold, sum(said) / max(len(said), 1), sum(said) / max(actual, 1))
            )
    return results


def main() -> int:
    from datetime import date

    from bot import triage  # late: triage imports this module

    examples = load_examples()
    print(f"{len(examples)} examples in {EXAMPLES_DIR.relative_to(PROJECT_ROOT)}; rules and model together,")
    print("each outside writer's file left out in turn (takes a few minutes):")
    today = date(2026, 11, 29)
    calm = [
        text
        for text in problem_descriptions(description_files())
        if not triage.findings(text, date(2026, 1, 5))
    ]
    results = writer_cross_validation(
        lambda text: bool(triage.findings(text, today)), triage.rules_defer, calm
    )
    for language, rows in results.items():
        for threshold, precision, recall in rows:
            marker = "  <- URGENT_AT" if threshold == URGENT_AT else ""
            print(
                f"  {language} urgent at {threshold:.1f}: precision {precision:.2f} recall {recall:.2f}{marker}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
