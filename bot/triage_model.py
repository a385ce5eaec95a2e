"""The second reader of triage: a small statistical model that has read some sixteen hundred
intake messages labelled urgent or not by people (bot/knowledge/triage_examples/, written by
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

Character n-grams (1-4, both scripts) and word pairs, TF-IDF, logistic regression (scikit-learn,
already installed with Rasa). Deterministic. Training takes some twenty seconds (the rules judge
three thousand descriptions first), so the trained model is kept in models/triage_reader/ under
a hash of everything it was made from (examples, descriptions, the rule modules and word
lists, scikit-learn's version) and retrained only when one of them changes; the action server
warms it at start. `python -m bot.triage_model` prints its cross-validated precision and recall
on its own examples per threshold: the reason URGENT_AT is what it is.
"""

from __future__ import annotations

import hashlib
import pickle
import sys
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import yaml

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
URGENT_AT = 0.8  # see main(): the model alone is right 98 times in 100 when it says "urgent"
REASON_AT = 0.5
MIN_CHARS = 8  # a word or two ("紧急", "help") is left to the rules


@dataclass(frozen=True)
class Labelled:
    text: str
    urgent: bool
    reasons: tuple[str, ...]


def load_examples(directory: Path = EXAMPLES_DIR) -> list[Labelled]:
    examples = []
    for path in sorted(directory.glob("*.yml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            reasons = tuple(str(r) for r in item.get("reasons") or ())
            urgency = str(item.get("urgency") or ("high" if reasons else "normal"))
            examples.append(Labelled(str(item["text"]), urgency == "high", reasons))
    return examples


def _features() -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_union

    return make_union(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), sublinear_tf=True, min_df=2),
        TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True),
    )


def _regression() -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=10, max_iter=2000, class_weight="balanced")


class UrgencyModel:
    """One classifier for "urgent at all" and one per reason, on the same features."""

    def __init__(self, examples: Sequence[Labelled], calm: Sequence[str] = ()) -> None:
        examples = [*examples, *(Labelled(text, False, ()) for text in calm)]
        self._features = _features()
        matrix = self._features.fit_transform([e.text for e in examples])
        self._urgent = _regression().fit(matrix, [e.urgent for e in examples])
        self._reasons = {  # a reason no example shows is never given
            reason: _regression().fit(matrix, labels)
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
    texts = []
    for path in files:
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
            for line in str(block.get("examples") or "").splitlines():
                if line.strip().startswith("- "):
                    texts.append(line.strip()[2:].strip())
    return texts


def _fingerprint(files: Iterable[Path]) -> str:
    import sklearn

    digest = hashlib.sha256(sklearn.__version__.encode())
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:20]


def reader(is_calm: Callable[[str], bool]) -> UrgencyModel:
    """The model, trained on the examples and on the descriptions `is_calm` accepts (the rules
    finding nothing in them); from the cache when nothing it is made of has changed."""
    examples_files = sorted(EXAMPLES_DIR.glob("*.yml"))
    descriptions = description_files()
    cached = CACHE_DIR / f"{_fingerprint([*examples_files, *descriptions, *RULE_FILES])}.pkl"
    if cached.exists():
        try:
            with cached.open("rb") as stored:
                model: UrgencyModel = pickle.load(stored)  # noqa: S301 - our own file, made below
            return model
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
            pass  # a broken or older file: trained anew
    calm = [text for text in problem_descriptions(descriptions) if is_calm(text)]
    model = UrgencyModel(load_examples(), calm)
    try:
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=CACHE_DIR, delete=False, suffix=".tmp") as out:
            pickle.dump(model, out)
        Path(out.name).replace(cached)
        for old in CACHE_DIR.glob("*.pkl"):
            if old != cached:
                old.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only tree: the model lives in this process only
    return model


def cross_validate(examples: Sequence[Labelled], folds: int = 5) -> list[tuple[float, float, float]]:
    """(threshold, precision, recall) of "urgent" over `folds` folds, the model alone."""
    predictions: list[tuple[float, bool]] = []
    for fold in range(folds):
        train = [e for i, e in enumerate(examples) if i % folds != fold]
        test = [e for i, e in enumerate(examples) if i % folds == fold]
        model = UrgencyModel(train)
        chances = [model.urgent_probability(e.text) for e in test]
        predictions += [(float(p), e.urgent) for p, e in zip(chances, test, strict=True)]
    rows = []
    for threshold in (0.4, 0.5, 0.6, 0.7, 0.8):
        said = [truth for p, truth in predictions if p >= threshold]
        actual = sum(1 for _, truth in predictions if truth)
        rows.append((threshold, sum(said) / max(len(said), 1), sum(said) / max(actual, 1)))
    return rows


def main() -> int:
    examples = load_examples()
    print(f"{len(examples)} examples in {EXAMPLES_DIR.relative_to(PROJECT_ROOT)}; 5-fold cross-validation:")
    for threshold, precision, recall in cross_validate(examples):
        marker = "  <- URGENT_AT" if threshold == URGENT_AT else ""
        print(f"  urgent at {threshold:.1f}: precision {precision:.2f} recall {recall:.2f}{marker}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
