"""Our assistant against a stock Rasa bot (`rasa init --no-prompt`, same Rasa 3.6 from .venv),
measured in the same run on the same machine, over the REST channel:

(a) one conversation at a time, each message sent when the previous reply arrived: median latency;
(b) ten conversations at once: throughput (messages/s) and median latency.

What is sent: ours - the strangers' personas (tests/strangers/users_en.yml, users_zh.yml)
playing complete intakes (scripts/persona_user.py, as benchmarks/load.py does), a new
conversation after each; stock - its own small talk, a new conversation after each, cycling
through `STOCK_CONVERSATIONS` (greet, mood, affirm/deny, bot challenge, goodbye: the stock
bot's intents, nothing it would not understand). Our stack is the embedded profile (SQLite,
encrypted tracker store, action server) on free ports (scripts/bench_stacks.py); stock is
`rasa run` with its in-memory tracker store and no action server, as `rasa init` makes it.

How: after a warm-up, `--rounds` rounds; each round measures (a) for both bots, then (b) for
both, back to back, alternating which bot goes first. A measurement is a time window
(`--seconds`, `--concurrent-seconds`; in (b) it opens `--settle` seconds after the ten
conversations started); the messages whose reply arrived inside it count. Each figure is the
median over the rounds, and each ratio the median of the rounds' ratios: the machine's load
changes between rounds (2 shared cores) but hardly within one.

The stock bot is built by `rasa init --no-prompt` in its own directory (a temporary one with
`--fresh-stock`; by default var/bench/stock-rasa-<version>/, reused by later runs: training
takes 1-3 minutes here) and trains its own model there; nothing is downloaded (when this
machine allows it, `rasa init` runs in a network namespace without network: `unshare -n`).
Nothing is written under models/.

Prints the ratios against the issue's targets: ours/stock median latency at most 1.5x (a),
ours/stock throughput at least 0.67x (b); writes a JSON result and a chart. Exit status 0 when
both targets are met.

    .venv/bin/python -m benchmarks.vs_stock          # ~4 minutes (the first run: + training)
    .venv/bin/python -m benchmarks.vs_stock --rounds 2 --out r.json --chart r.png
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a file: benchmarks/vs_stock.py
    sys.path.insert(0, str(ROOT))

from benchmarks import load  # noqa: E402
from scripts import bench_stacks  # noqa: E402

RESULTS = ROOT / "var" / "results" / "bench"
TARGET_LATENCY_RATIO = 1.5  # ours/stock median latency, one conversation: at most
TARGET_THROUGHPUT_RATIO = 0.67  # ours/stock messages/s, ten conversations: at least
# Measured before any optimisation of the message path (issue 10), for the chart.
PAST = {"ours_median_ms": 157, "stock_median_ms": 62, "ours_msgs": 7, "stock_msgs": 26}

# The stock bot's conversations: every message one of its intents (data/nlu.yml of `rasa init`).
STOCK_CONVERSATIONS = [
    ["hello there", "I am feeling very sad today", "yes, that helped", "are you a bot?", "goodbye"],
    ["hi", "I am great", "are you a human?", "bye bye"],
    ["good morning", "I'm unhappy", "no", "see you later"],
    ["hey", "feeling wonderful today", "am I talking to a bot?", "have a nice day"],
]


# ---------------------------------------------------------------- the stock bot


def rasa_version() -> str:
    import rasa

    return str(rasa.__version__)


def _offline_prefix() -> list[str]:
    """`unshare -n` when this machine lets us run a command without network, else nothing."""
    unshare = shutil.which("unshare")
    if not unshare:
        return []
    try:
        ok = subprocess.run([unshare, "-n", "true"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.SubprocessError):
        ok = False
    return [unshare, "-n"] if ok else []


def stock_project(directory: Path) -> tuple[Path, dict[str, Any]]:
    """`rasa init --no-prompt` in `directory` (trains its model there) unless a model is there
    already; returns the model and how it was made."""
    env = {**os.environ, **bench_stacks.BENCH_ENV}
    models = sorted((directory / "models").glob("*.tar.gz"))
    if models:
        print(f"stock bot: reusing {models[-1]} (--fresh-stock to build it again)", flush=True)
        return models[-1], {"built": False, "directory": str(directory)}
    directory.mkdir(parents=True, exist_ok=True)
    offline = _offline_prefix()
    rasa = str(Path(sys.executable).with_name("rasa"))
    print(
        f"stock bot: `rasa init --no-prompt` in {directory} "
        f"({'without network: unshare -n' if offline else 'network not switched off'}; trains ~1-3 min)…",
        flush=True,
    )
    started = time.monotonic()
    log = directory / "init.log"
    with log.open("wb") as out:
        code = subprocess.run(
            [*offline, rasa, "init", "--no-prompt", "--init-dir", str(directory)],
            cwd=directory,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        ).returncode
    models = sorted((directory / "models").glob("*.tar.gz"))
    if code != 0 or not models:
        raise RuntimeError(f"rasa init failed (exit {code}); see {log}")
    seconds = time.monotonic() - started
    print(f"  stock bot trained in {seconds:.0f} s", flush=True)
    return models[-1], {
        "built": True,
        "offline": bool(offline),
        "seconds": round(seconds, 1),
        "directory": str(directory),
    }


class StockServer:
    """`rasa run` of the stock project (REST channel from its credentials.yml) on a free port."""

    def __init__(self, directory: Path, model: Path) -> None:
        self.directory, self.model = directory, model
        self.url = f"http://127.0.0.1:{bench_stacks.free_port()}"
        self.process: subprocess.Popen[bytes] | None = None
        self.started = 0.0

    def start(self) -> None:
        rasa = str(Path(sys.executable).with_name("rasa"))
        port = self.url.rsplit(":", 1)[1]
        with (self.directory / "run.log").open("ab") as log:
            self.process = subprocess.Popen(
                [rasa, "run", "--model", str(self.model), "--port", port, "--interface", "127.0.0.1"]
                + ["--credentials", "credentials.yml", "--endpoints", "endpoints.yml"],
                cwd=self.directory,
                env={**os.environ, **bench_stacks.BENCH_ENV},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.started = time.monotonic()

    def wait_ready(self, timeout: float = 240) -> None:
        while True:
            if self.process is None or self.process.poll() is not None:
                raise RuntimeError(f"the stock bot exited; see {self.directory / 'run.log'}")
            with contextlib.suppress(requests.RequestException, ValueError):
                answer = requests.post(
                    f"{self.url}/webhooks/rest/webhook", json={"sender": "ready", "message": "hi"}, timeout=10
                )
                if answer.status_code == 200 and answer.json():
                    break
            if time.monotonic() - self.started > timeout:
                raise RuntimeError(
                    f"the stock bot did not answer in {timeout:.0f} s; see {self.directory}/run.log"
                )
            time.sleep(0.5)
        print(f"  stock bot: ready in {time.monotonic() - self.started:.0f}s", flush=True)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


# ---------------------------------------------------------------- measuring


@dataclass
class Window:
    """The messages answered inside one measurement window."""

    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0
    errors: int = 0
    loadavg: list[float] = field(default_factory=list)
    client_cpu: float = 0.0  # CPU seconds this process (the simulated users) used in the window


def _windowed(
    workers: int,
    seconds: float,
    conversation: Callable[[threading.Event, Callable[[float], None]], None],
    settle: float = 0.0,
) -> Window:
    """Runs `workers` threads, each calling `conversation(stop, record)` again and again until
    the window ends; `record(ms)` is called after each reply. Counts the replies that arrive
    inside the window, which opens `settle` seconds after the start (the workers no longer in
    step) and lasts `seconds`."""
    window = Window()
    lock = threading.Lock()
    stop = threading.Event()
    opens = time.perf_counter() + settle
    deadline = opens + seconds

    def record(ms: float) -> None:
        if opens <= time.perf_counter() <= deadline:
            with lock:
                window.latencies.append(ms)

    def worker() -> None:
        while not stop.is_set():
            try:
                conversation(stop, record)
            except Exception:  # noqa: BLE001 - counted; the worker goes on with a new conversation
                with lock:
                    window.errors += 1
                time.sleep(0.2)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(workers)]
    for thread in threads:
        thread.start()
    time.sleep(max(0.0, opens - time.perf_counter()))
    cpu_opened = time.process_time()
    while time.perf_counter() < deadline:
        time.sleep(min(1.0, max(0.0, deadline - time.perf_counter())))
        window.loadavg.append(round(os.getloadavg()[0], 2))
    window.client_cpu = time.process_time() - cpu_opened
    stop.set()
    for thread in threads:
        thread.join(300)
    window.seconds = seconds
    return window


def ours_conversation(
    url: str, personas: Iterator[dict[str, Any]], lock: threading.Lock
) -> Callable[..., None]:
    def conversation(stop: threading.Event, record: Callable[[float], None]) -> None:
        with lock:
            persona = next(personas)
        chat = load.make_chat([url], f"vs-stock-{uuid.uuid4().hex[:10]}", None, 120)
        chat.stop = stop
        timings = chat.timings_ms

        class Recording(list[float]):
            def append(self, ms: float) -> None:
                super().append(ms)
                record(ms)

        chat.timings_ms = Recording(timings)
        player = load.play(load.Player(0, persona, chat))
        if player.error:
            raise RuntimeError(player.error)

    return conversation


def stock_conversation(url: str) -> Callable[..., None]:
    counter = itertools.count()

    def conversation(stop: threading.Event, record: Callable[[float], None]) -> None:
        messages = STOCK_CONVERSATIONS[next(counter) % len(STOCK_CONVERSATIONS)]
        sender = f"vs-stock-{uuid.uuid4().hex[:10]}"
        for message in messages:
            if stop.is_set():
                return
            started = time.perf_counter()
            answer = requests.post(
                f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": message}, timeout=120
            )
            ms = (time.perf_counter() - started) * 1000
            answer.raise_for_status()
            if not answer.json():
                raise RuntimeError(f"no reply to {message!r}")
            record(ms)

    return conversation


def describe(window: Window) -> dict[str, Any]:
    lat = window.latencies
    return {
        "messages": len(lat),
        "seconds": round(window.seconds, 1),
        "messages_per_second": round(len(lat) / window.seconds, 2) if window.seconds else None,
        "median_ms": round(statistics.median(lat), 1) if lat else None,
        "p95_ms": round(load.percentile(lat, 0.95), 1) if lat else None,
        "errors": window.errors,
        "loadavg_median": round(statistics.median(window.loadavg), 2) if window.loadavg else None,
        "client_cpu_ms_per_message": round(1000 * window.client_cpu / len(lat), 1) if lat else None,
    }


def merge(windows: list[Window]) -> Window:
    return Window(
        [ms for w in windows for ms in w.latencies],
        sum(w.seconds for w in windows),
        sum(w.errors for w in windows),
        [x for w in windows for x in w.loadavg],
        sum(w.client_cpu for w in windows),
    )


# ---------------------------------------------------------------- chart


def chart(result: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    a, b = result["sequential"], result["concurrent"]
    figure, (left, middle, right) = plt.subplots(1, 3, figsize=(12, 4.2))
    colours = {"ours": "#c0392b", "stock": "#7f8c8d"}

    def bars(axis: Any, title: str, unit: str, now: dict[str, float], past: dict[str, float]) -> None:
        names = ["stock", "ours"]
        positions = range(len(names))
        axis.bar(
            [p - 0.2 for p in positions],
            [past[n] for n in names],
            width=0.38,
            color="white",
            edgecolor=[colours[n] for n in names],
            hatch="//",
            label="measured before optimising",
        )
        axis.bar(
            [p + 0.2 for p in positions],
            [now[n] for n in names],
            width=0.38,
            color=[colours[n] for n in names],
            label="this run",
        )
        for p, n in zip(positions, names, strict=True):
            axis.text(p + 0.2, now[n], f"{now[n]:.0f}", ha="center", va="bottom", fontsize=9)
            axis.text(p - 0.2, past[n], f"{past[n]:.0f}", ha="center", va="bottom", fontsize=8, color="#555")
        axis.set_xticks(list(positions))
        axis.set_xticklabels(["stock rasa init", "ours (intakes)"])
        axis.set_title(title, fontsize=10)
        axis.set_ylabel(unit)

    bars(
        left,
        "(a) one conversation: median latency",
        "ms",
        {"ours": a["ours"]["median_ms"], "stock": a["stock"]["median_ms"]},
        {"ours": PAST["ours_median_ms"], "stock": PAST["stock_median_ms"]},
    )
    left.axhline(
        TARGET_LATENCY_RATIO * a["stock"]["median_ms"],
        color="green",
        linestyle="--",
        linewidth=1,
        label=f"target: ≤ {TARGET_LATENCY_RATIO}× stock",
    )
    left.legend(frameon=False, fontsize=7, loc="upper left")
    bars(
        middle,
        "(b) ten conversations: throughput",
        "messages / s",
        {"ours": b["ours"]["messages_per_second"], "stock": b["stock"]["messages_per_second"]},
        {"ours": PAST["ours_msgs"], "stock": PAST["stock_msgs"]},
    )
    middle.axhline(
        TARGET_THROUGHPUT_RATIO * b["stock"]["messages_per_second"],
        color="green",
        linestyle="--",
        linewidth=1,
        label=f"target: ≥ {TARGET_THROUGHPUT_RATIO}× stock",
    )
    middle.legend(frameon=False, fontsize=7, loc="upper right")
    names = ["stock", "ours"]
    right.bar(range(2), [b[n]["median_ms"] for n in names], color=[colours[n] for n in names], width=0.5)
    for i, n in enumerate(names):
        right.text(i, b[n]["median_ms"], f"{b[n]['median_ms']:.0f}", ha="center", va="bottom", fontsize=9)
    right.set_xticks(range(2))
    right.set_xticklabels(["stock rasa init", "ours (intakes)"])
    right.set_title("(b) ten conversations: median latency", fontsize=10)
    right.set_ylabel("ms")
    ratios = result["ratios"]
    figure.suptitle(
        f"Ours vs stock Rasa {result['rasa']}: latency ×{ratios['latency_sequential']:.2f} (target ≤ "
        f"{TARGET_LATENCY_RATIO}), throughput ×{ratios['throughput_concurrent']:.2f} (target ≥ "
        f"{TARGET_THROUGHPUT_RATIO}); load avg {result['machine']['loadavg_while_measuring']} on "
        f"{result['machine']['cpus']} CPUs, {result['started_at'][:16]}Z",
        fontsize=10,
    )
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)


# ---------------------------------------------------------------- the run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=6.0, help="window of each (a) measurement")
    parser.add_argument("--concurrent-seconds", type=float, default=10.0, help="window of each (b)")
    parser.add_argument("--settle", type=float, default=4.0, help="(b): seconds before the window opens")
    parser.add_argument("--rounds", type=int, default=4, help="rounds of (a) and (b), alternating the order")
    parser.add_argument("--concurrent", type=int, default=10, help="conversations at once in (b)")
    parser.add_argument("--stock-dir", help="the stock project (default: var/bench/stock-rasa-<version>)")
    parser.add_argument("--fresh-stock", action="store_true", help="build the stock bot in a temp dir")
    parser.add_argument("--seed", type=int, default=11, help="which personas, in which order")
    parser.add_argument(
        "--out", help=f"JSON result (default: {RESULTS.relative_to(ROOT)}/vs_stock-<time>.json)"
    )
    parser.add_argument("--chart", help="chart (default: next to the JSON, .png)")
    args = parser.parse_args(argv)

    stamp = datetime.now(timezone.utc)
    before = load.machine()
    print(f"load average before: {before['loadavg']} on {before['cpus']} CPUs", flush=True)
    with contextlib.ExitStack() as stack:
        if args.fresh_stock:
            directory = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="stock-rasa-")))
        else:
            directory = Path(args.stock_dir or ROOT / "var" / "bench" / f"stock-rasa-{rasa_version()}")
        # The stock bot trains (or is found) and starts while our stack starts: both take a while.
        built: dict[str, Any] = {}

        def build() -> None:
            try:
                built["model"], built["info"] = stock_project(directory)
                server = StockServer(directory, built["model"])
                built["server"] = server
                server.start()
            except Exception as error:  # noqa: BLE001 - reported below
                built["error"] = error

        builder = threading.Thread(target=build)
        builder.start()
        stack.callback(lambda: built["server"].stop() if "server" in built else None)
        try:
            ours = stack.enter_context(bench_stacks.embedded())
        finally:
            builder.join()
        if "error" in built:
            raise built["error"]
        built["server"].wait_ready()
        stock = built["server"].url
        url = ours.urls[0]

        personas = iter(load.choose_personas(2000, args.seed))
        lock = threading.Lock()
        print("warming up both bots…", flush=True)
        _windowed(1, 5, ours_conversation(url, personas, lock))
        _windowed(1, 3, stock_conversation(stock))

        windows: dict[tuple[str, str], list[Window]] = {}
        for round_number in range(args.rounds):
            order = ["ours", "stock"] if round_number % 2 == 0 else ["stock", "ours"]
            for mode, workers, seconds, settle in (
                ("sequential", 1, args.seconds, 0.0),
                ("concurrent", args.concurrent, args.concurrent_seconds, args.settle),
            ):
                for bot in order:
                    conversation = (
                        ours_conversation(url, personas, lock) if bot == "ours" else stock_conversation(stock)
                    )
                    window = _windowed(workers, seconds, conversation, settle)
                    windows.setdefault((mode, bot), []).append(window)
                    d = describe(window)
                    print(
                        f"  round {round_number + 1} {mode:10} {bot:5}: {d['messages']:4} messages, "
                        f"{d['messages_per_second']:6.1f} msg/s, median {d['median_ms']} ms, p95 {d['p95_ms']} ms, "
                        f"errors {d['errors']} (load {d['loadavg_median']}, client CPU "
                        f"{d['client_cpu_ms_per_message']} ms/msg)",
                        flush=True,
                    )
    # Each figure is the median over the rounds (each round measures both bots back to back, so
    # a change in the machine's load between rounds does not favour either); all messages of a
    # bot pooled would weigh its faster rounds more (more messages), and not equally for both.
    rounds = {key: [describe(w) for w in value] for key, value in windows.items()}

    def over_rounds(mode: str, bot: str) -> dict[str, Any]:
        per_round = rounds[(mode, bot)]
        pooled = describe(merge(windows[(mode, bot)]))
        return {
            **pooled,
            "median_ms": round(statistics.median(r["median_ms"] for r in per_round), 1),
            "messages_per_second": round(statistics.median(r["messages_per_second"] for r in per_round), 2),
            "pooled_median_ms": pooled["median_ms"],
            "pooled_messages_per_second": pooled["messages_per_second"],
            "rounds": per_round,
        }

    def ratio(mode: str, key: str) -> float:
        ours_rounds, stock_rounds = rounds[(mode, "ours")], rounds[(mode, "stock")]
        pairs = [o[key] / t[key] for o, t in zip(ours_rounds, stock_rounds, strict=True)]
        return round(statistics.median(pairs), 2)

    a = {bot: over_rounds("sequential", bot) for bot in ("ours", "stock")}
    b = {bot: over_rounds("concurrent", bot) for bot in ("ours", "stock")}
    ratios = {
        "latency_sequential": ratio("sequential", "median_ms"),
        "throughput_concurrent": ratio("concurrent", "messages_per_second"),
        "latency_concurrent": ratio("concurrent", "median_ms"),
    }
    loads = [x for value in windows.values() for w in value for x in w.loadavg]
    result = {
        "tool": "benchmarks/vs_stock.py",
        "started_at": stamp.isoformat(timespec="seconds"),
        "rasa": rasa_version(),
        "stock": built.get("info"),
        "sent": {
            "ours": "strangers' personas playing complete intakes (tests/strangers), a new conversation each",
            "stock": STOCK_CONVERSATIONS,
        },
        "window_seconds": {"sequential": args.seconds, "concurrent": args.concurrent_seconds},
        "settle_seconds": args.settle,
        "rounds": args.rounds,
        "concurrent_conversations": args.concurrent,
        "machine": {
            **before,
            "loadavg_before": before["loadavg"],
            "loadavg_while_measuring": round(statistics.median(loads), 2) if loads else None,
            "loadavg_max_while_measuring": max(loads) if loads else None,
        },
        "sequential": a,
        "concurrent": b,
        "ratios": ratios,
        "targets": {
            "latency_sequential_at_most": TARGET_LATENCY_RATIO,
            "throughput_concurrent_at_least": TARGET_THROUGHPUT_RATIO,
        },
        "met": {
            "latency": ratios["latency_sequential"] <= TARGET_LATENCY_RATIO,
            "throughput": ratios["throughput_concurrent"] >= TARGET_THROUGHPUT_RATIO,
        },
        "past": PAST,
    }
    print(
        f"\n(a) one conversation:   median ours {a['ours']['median_ms']} ms vs stock {a['stock']['median_ms']} ms"
        f" -> x{ratios['latency_sequential']} (target <= {TARGET_LATENCY_RATIO}: "
        f"{'met' if result['met']['latency'] else 'NOT met'})"
    )
    print(
        f"(b) {args.concurrent} conversations: ours {b['ours']['messages_per_second']} msg/s vs stock "
        f"{b['stock']['messages_per_second']} msg/s -> x{ratios['throughput_concurrent']} (target >= "
        f"{TARGET_THROUGHPUT_RATIO}: {'met' if result['met']['throughput'] else 'NOT met'}); median "
        f"{b['ours']['median_ms']} ms vs {b['stock']['median_ms']} ms"
    )
    print(
        f"machine: {before['cpus']} CPUs, load average {result['machine']['loadavg_while_measuring']} while measuring"
    )
    out = Path(args.out) if args.out else RESULTS / f"vs_stock-{stamp:%Y%m%d-%H%M%S}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    picture = Path(args.chart) if args.chart else out.with_suffix(".png")
    chart(result, picture)
    print(f"result: {out}\nchart:  {picture}")
    return 0 if all(result["met"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
