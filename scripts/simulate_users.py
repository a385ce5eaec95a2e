"""New users, simulated: for every topic and both languages, a user who sees only the bot's
text and buttons completes an intake over the real REST channel (action server, SQLite).
Reports the user turns per topic (median and maximum), the per-message latency of the whole
intakes (median, 95th percentile), and draws the turns per topic to docs/intake_turns.png.

    .venv/bin/python -m scripts.simulate_users [--runs N]
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import tempfile
from pathlib import Path

from bot import topics
from bot.db import upgrade
from bot.ops.supervisor import Stack
from bot.settings import PROJECT_ROOT
from bot.settings import load as load_settings
from scripts.simulated_user import RestChat, SimulatedUser

MAX_TURNS = 12


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(round(share * len(ordered))) - 1)]


def chart(turns: dict[tuple[str, str], list[int]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    codes = list(topics.TOPIC_CODES)
    width = 0.4
    figure, axis = plt.subplots(figsize=(11, 4.5))
    for offset, language in ((-width / 2, "en"), (width / 2, "zh")):
        axis.bar(
            [i + offset for i in range(len(codes))],
            [statistics.median(turns[(code, language)]) for code in codes],
            width,
            label={"en": "English", "zh": "Chinese"}[language],
        )
    axis.axhline(MAX_TURNS, color="crimson", linestyle="--", linewidth=1, label=f"limit ({MAX_TURNS} turns)")
    axis.set_xticks(range(len(codes)), codes, rotation=35, ha="right")
    axis.set_ylabel("user turns to a saved lead (median)")
    axis.set_title("Simulated new users: a complete intake per topic")
    axis.set_ylim(0, MAX_TURNS + 3)
    axis.legend(loc="upper center", ncol=3, frameon=False)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=1, help="intakes per topic and language")
    parser.add_argument("--chart", default=str(PROJECT_ROOT / "docs" / "intake_turns.png"))
    args = parser.parse_args(argv)
    base = load_settings()
    turns: dict[tuple[str, str], list[int]] = {}
    latencies: list[float] = []
    failures = []
    with tempfile.TemporaryDirectory() as var:
        settings = dataclasses.replace(
            base, var_dir=Path(var), rasa_port=5906, action_port=5956, web_port=5907
        )
        upgrade(f"sqlite:///{Path(var) / 'leads.db'}")
        stack = Stack(settings)
        print("starting the assistant…", flush=True)
        stack.start(progress=False)
        try:
            RestChat(stack.rasa_url).say("hello")  # warm-up
            total = len(topics.TOPIC_CODES) * 2 * args.runs
            done = 0
            for code in topics.TOPIC_CODES:
                for language in ("en", "zh"):
                    for _ in range(args.runs):
                        chat = RestChat(stack.rasa_url)
                        count, reference = SimulatedUser(chat, code, language).complete_intake()
                        turns.setdefault((code, language), []).append(count)
                        latencies.extend(chat.timings_ms)
                        if not reference or count > MAX_TURNS:
                            failures.append((code, language, count, reference))
                        done += 1
                        print(f"\r  {done}/{total} intakes", end="", flush=True)
            print()
        finally:
            stack.stop()
    print(f"{'topic':<20}{'en median':>10}{'zh median':>10}{'max':>6}")
    for code in topics.TOPIC_CODES:
        en, zh = turns[(code, "en")], turns[(code, "zh")]
        print(f"{code:<20}{statistics.median(en):>10.0f}{statistics.median(zh):>10.0f}{max(en + zh):>6}")
    every = [t for values in turns.values() for t in values]
    print(f"all intakes: median {statistics.median(every):.0f} turns, max {max(every)}")
    print(
        f"per-message latency over {len(latencies)} messages: median {statistics.median(latencies):.0f} ms, "
        f"p95 {percentile(latencies, 0.95):.0f} ms, max {max(latencies):.0f} ms"
    )
    chart(turns, Path(args.chart))
    print(f"chart: {args.chart}")
    for code, language, count, reference in failures:
        print(f"FAILED {code} ({language}): {count} turns, lead {reference or 'not saved'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
