"""Latency of the REST channel: starts the real stack on free ports, sends 200 messages
(half English, half Chinese, from the held-out set) from 20 simulated users and reports
the median and 95th percentile. Run: .venv/bin/python scripts/bench_rest.py [N]"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import requests

from bot.ops.evaluation import load_examples
from bot.ops.supervisor import Stack
from bot.settings import PROJECT_ROOT, Settings
from bot.settings import load as load_settings


def main(count: int = 200) -> int:
    base = load_settings()
    messages = [
        text
        for lang in ("en", "zh")
        for text, _ in load_examples(PROJECT_ROOT / "tests" / "nlu_heldout" / f"{lang}.yml")
    ]
    with tempfile.TemporaryDirectory() as var:
        settings = Settings(Path(var), base.model_path, base.spacy_model_dir, 5905, 5955, "127.0.0.1", 5908)
        stack = Stack(settings)
        stack.start()
        try:
            url = f"{stack.rasa_url}/webhooks/rest/webhook"
            requests.post(url, json={"sender": "warm-up", "message": "hello"}, timeout=60)
            timings = []
            for i in range(count):
                text = messages[(i * 7) % len(messages)]
                started = time.perf_counter()
                reply = requests.post(url, json={"sender": f"bench-{i % 20}", "message": text}, timeout=60)
                timings.append((time.perf_counter() - started) * 1000)
                reply.raise_for_status()
                if (i + 1) % 50 == 0:
                    print(f"  {i + 1}/{count} messages", flush=True)
        finally:
            stack.stop()
    timings.sort()
    p95 = timings[int(0.95 * len(timings)) - 1]
    print(
        f"REST webhook latency over {count} messages: median {statistics.median(timings):.0f} ms, "
        f"p95 {p95:.0f} ms, max {timings[-1]:.0f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 200))
