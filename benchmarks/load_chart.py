"""Draws the load runs kept in benchmarks/runs/load-*.json side by side: messages per second
and latency (median, 95th percentile) of 100 complete intakes at once, per stack.

    .venv/bin/python -m benchmarks.load_chart [--runs benchmarks/runs] [--out benchmarks/load.png]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 - after choosing the backend

HERE = Path(__file__).resolve().parent
ORDER = (
    "load-embedded",
    "load-production-1",
    "load-production-2",
    "load-production-tool-1",
    "load-production-tool-2",
)
NAMES = {
    "load-embedded": "embedded\n(SQLite)",
    "load-production-1": "production 1\nvia nginx",
    "load-production-2": "production 2\nvia nginx",
    "load-production-tool-1": "production 1\ndirect",
    "load-production-tool-2": "production 2\ndirect",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=Path, default=HERE / "runs")
    parser.add_argument("--out", type=Path, default=HERE / "load.png")
    args = parser.parse_args(argv)
    runs = [(name, json.loads((args.runs / f"{name}.json").read_text())) for name in ORDER]
    runs = [(name, run) for name, run in runs if run["checks"]["ok"]]
    labels = [NAMES[name] for name, _ in runs]
    rate = [run["summary"]["messages_per_second"] for _, run in runs]
    median = [run["summary"]["latency_ms"]["median"] / 1000 for _, run in runs]
    p95 = [run["summary"]["latency_ms"]["p95"] / 1000 for _, run in runs]
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    left.bar(labels, rate, color="#3b7dd8")
    left.set_title("messages per second (higher is better)")
    for x, value in enumerate(rate):
        left.text(x, value, f"{value:.1f}", ha="center", va="bottom")
    positions = range(len(labels))
    right.bar([p - 0.2 for p in positions], median, width=0.4, label="median", color="#3b7dd8")
    right.bar([p + 0.2 for p in positions], p95, width=0.4, label="95th percentile", color="#f0a030")
    right.set_xticks(list(positions), labels)
    right.set_title("latency, seconds (lower is better)")
    right.legend()
    figure.suptitle("100 complete intakes at once, every lead and transcript checked (2 cores)")
    figure.tight_layout()
    figure.savefig(args.out, dpi=90)
    print(f"chart: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
