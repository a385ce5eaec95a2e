"""Evaluates topic classification on the held-out files (never used for training):
per-topic precision, recall and F1 per language, a confusion-matrix image per language,
and a non-zero exit when macro F1 falls below the bar.

    python -m bot.ops.evaluation [--data tests/nlu_heldout] [--out var/results/nlu] [--min-f1 0.9]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bot.settings import PROJECT_ROOT
from bot.topics import topic_of_intent

NONE_LABEL = "(none)"  # predicted a conversational intent: not a topic at all


def load_examples(path: Path) -> list[tuple[str, str]]:
    """[(text, expected topic code)] from a Rasa NLU YAML file."""
    from bot.topic_reader import nlu_examples

    examples = []
    for intent, text in nlu_examples(path):
        expected = topic_of_intent(intent)
        if expected is None:
            raise ValueError(f"{path}: intent {intent!r} is not a topic")
        examples.append((text, expected))
    return examples


def report(language: str, expected: list[str], predicted: list[str], out: Path) -> dict[str, Any]:
    """Prints the per-topic table, saves the confusion matrix, returns the scores."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.metrics import ConfusionMatrixDisplay, precision_recall_fscore_support

    labels = sorted(set(expected))
    precision, recall, f1, support = precision_recall_fscore_support(
        expected, predicted, labels=labels, zero_division=0
    )
    macro_f1 = float(f1.mean())
    accuracy = sum(e == p for e, p in zip(expected, predicted, strict=True)) / len(expected)
    print(f"\n[{language}] {len(expected)} held-out messages")
    print(f"  {'topic':<20} {'precision':>9} {'recall':>7} {'f1':>6} {'n':>4}")
    for i, label in enumerate(labels):
        print(f"  {label:<20} {precision[i]:>9.3f} {recall[i]:>7.3f} {f1[i]:>6.3f} {support[i]:>4}")
    print(f"  macro F1 {macro_f1:.3f}   accuracy {accuracy:.3f}")

    display_labels = labels + ([NONE_LABEL] if NONE_LABEL in predicted else [])
    fig, ax = plt.subplots(figsize=(11, 10))
    ConfusionMatrixDisplay.from_predictions(
        expected, predicted, labels=display_labels, ax=ax, xticks_rotation=60, colorbar=False
    )
    ax.set_title(f"Held-out topic classification ({language}): macro F1 {macro_f1:.3f}")
    fig.tight_layout()
    image = out / f"confusion_{language}.png"
    fig.savefig(image, dpi=90)
    plt.close(fig)
    print(f"  confusion matrix: {image}")
    return {
        "language": language,
        "macro_f1": macro_f1,
        "accuracy": accuracy,
        "per_topic": {
            label: {
                "precision": float(precision[i]),
                "recall": float(recall[i]),
                "f1": float(f1[i]),
                "support": int(support[i]),
            }
            for i, label in enumerate(labels)
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=PROJECT_ROOT / "tests" / "nlu_heldout")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "var" / "results" / "nlu")
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--min-f1", type=float, default=0.90)
    args = parser.parse_args(argv)

    from bot.rasa.classifier import default_classifier

    classifier = default_classifier(args.model)
    args.out.mkdir(parents=True, exist_ok=True)
    results, failed = [], []
    # en.yml and en.strangers.yml (written by someone who never saw the bot) are one English set
    by_language: dict[str, list[tuple[str, str]]] = {}
    for path in sorted(args.data.glob("*.yml")):
        by_language.setdefault(path.stem.split(".")[0], []).extend(load_examples(path))
    for language, examples in by_language.items():
        predicted = []
        for text, _expected in examples:
            topic = classifier.classify(text)["topic"]
            predicted.append(topic or NONE_LABEL)
        scores = report(language, [e for _, e in examples], predicted, args.out)
        scores["errors"] = [
            {"text": text, "expected": expected, "predicted": guess}
            for (text, expected), guess in zip(examples, predicted, strict=True)
            if expected != guess
        ]
        results.append(scores)
        if scores["macro_f1"] < args.min_f1:
            failed.append(f"{language}: macro F1 {scores['macro_f1']:.3f} < {args.min_f1}")
    (args.out / "heldout.json").write_text(
        json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    if failed:
        print("\nFAILED: " + "; ".join(failed), file=sys.stderr)
        return 1
    print(f"\nHeld-out macro F1 is at least {args.min_f1} in every language.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
