"""Evaluates the triage engine on held-out messages (never used to write its rules): each text is
judged alone with `bot.triage.assess`; per language it prints precision, recall and F1 of
`urgency: high`, precision and recall per reason, and the misses. Exits non-zero when urgent
recall or precision falls below the bar in either language. The texts of held-out files (named
*.blind*.yml) are never printed: they count in the numbers only, so that reading a report does
not turn them into development examples.

    python -m bot.ops.triage_eval [--data tests/triage] [--min-recall 0.95] [--min-precision 0.90]

Each file (en.yml, zh.yml) is a YAML list of {text, urgency: high|normal, reasons: [..]}.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from bot.settings import PROJECT_ROOT
from bot.triage import REASONS, assess

LANGUAGES = ("en", "zh")
# The day the messages were written on: "by Friday", "下周二前" and "on the 3rd" count from it, so the
# figures do not change with the day the evaluation runs.
WRITTEN_ON = date(2026, 11, 29)


@dataclass(frozen=True)
class Example:
    text: str
    urgency: str
    reasons: tuple[str, ...]
    held_out: bool = False  # from a *.blind*.yml file: counted, never printed


def load(path: Path) -> list[Example]:
    data: Any = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    if isinstance(data, dict):  # tolerate {examples: [...]}
        data = next((v for v in data.values() if isinstance(v, list)), [])
    examples = []
    for item in data:
        reasons = tuple(str(r) for r in item.get("reasons") or ())
        urgency = str(item.get("urgency") or ("high" if reasons else "normal"))
        examples.append(Example(str(item["text"]), urgency, reasons, ".blind" in path.name))
    return examples


def _ratio(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else 1.0


def _cell(numerator: int, denominator: int, width: int) -> str:
    return f"{numerator / denominator:>{width}.2f}" if denominator else f"{'-':>{width}}"


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def evaluate(language: str, examples: list[Example]) -> tuple[float, float]:
    """Prints the report of one language; returns (urgent precision, urgent recall)."""
    judged = [(example, assess(example.text, today=WRITTEN_ON)) for example in examples]
    true_pos = sum(1 for e, t in judged if e.urgency == "high" and t.urgency == "high")
    predicted = sum(1 for _, t in judged if t.urgency == "high")
    actual = sum(1 for e, _ in judged if e.urgency == "high")
    precision, recall = _ratio(true_pos, predicted), _ratio(true_pos, actual)
    print(f"\n== {language}: {len(examples)} messages, {actual} urgent ==")
    print(
        f"urgent   precision {precision:.2f}  recall {recall:.2f}  F1 {_f1(precision, recall):.2f}"
        f"   ({true_pos} of {actual} found, {predicted - true_pos} false alarms)"
    )
    print(f"{'reason':<18} {'precision':>9} {'recall':>7} {'support':>8}")
    for reason in REASONS:
        hit = sum(1 for e, t in judged if reason in e.reasons and reason in t.reasons)
        said = sum(1 for _, t in judged if reason in t.reasons)
        has = sum(1 for e, _ in judged if reason in e.reasons)
        print(f"{reason:<18} {_cell(hit, said, 9)} {_cell(hit, has, 7)} {has:>8}")
    misses = [(e, t) for e, t in judged if e.urgency != t.urgency or set(e.reasons) != set(t.reasons)]
    hidden = [m for m in misses if m[0].held_out]
    misses = [m for m in misses if not m[0].held_out]
    if hidden:
        print(f"{len(hidden)} misses in held-out files (texts not shown)")
    if misses:
        print("misses (expected -> judged):")
    for example, triage in misses:
        expected = f"{example.urgency} {','.join(example.reasons) or '-'}"
        got = f"{triage.urgency} {','.join(triage.reasons) or '-'}"
        marker = "URGENCY" if example.urgency != triage.urgency else "reasons"
        print(f"  [{marker}] {expected} -> {got}: {example.text}")
    return precision, recall


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="triage_eval", description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=PROJECT_ROOT / "tests" / "triage")
    parser.add_argument("--min-recall", type=float, default=0.95)
    parser.add_argument("--min-precision", type=float, default=0.90)
    args = parser.parse_args(argv)
    failed = []
    for language in LANGUAGES:
        # tests/triage/<lang>*.yml: the evaluation sets; bot/knowledge/triage_examples/ holds the
        # examples the rules were developed against, which can no longer measure them
        paths = sorted(args.data.glob(f"{language}*.yml"))
        if not paths:
            print(f"missing {args.data}/{language}*.yml", file=sys.stderr)
            failed.append(f"{language}: no data")
            continue
        precision, recall = evaluate(language, [item for path in paths for item in load(path)])
        if recall < args.min_recall:
            failed.append(f"{language}: urgent recall {recall:.2f} < {args.min_recall}")
        if precision < args.min_precision:
            failed.append(f"{language}: urgent precision {precision:.2f} < {args.min_precision}")
    print()
    for failure in failed:
        print(f"FAIL {failure}")
    if not failed:
        print(
            f"OK: urgent recall and precision at least {args.min_recall} / {args.min_precision}"
            " in every language"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
