"""Load: many simulated users at once, each playing a COMPLETE intake over the REST channel,
then every lead and every transcript checked.

The users are the strangers' personas (tests/strangers/users_en.yml and users_zh.yml), played by
scripts/persona_user.py (what `make test` plays one by one); each gets a phone number and email
of its own for the run (the persona's, with the last digits changed), so that any answer found
in another user's lead can be told apart. All users start within `--ramp` seconds and send
their next message as soon as the reply arrives (no think time). Then:

- leads stored == intakes completed (a user saw its lead's reference), one lead per conversation;
- every transcript complete: the user messages in the tracker store (decrypted, as the staff
  console reads them: bot/staff_transcript.py) are exactly the ones sent, each once, in order,
  and the bot messages are exactly the ones the user received;
- no answer of one user in another's lead: every text in a lead (contact, answers, summary,
  other party) that some other user typed must have been typed or shown in its own conversation.

Prints progress while running, then messages/s, median and 95th-percentile latency, errors and
the checks; writes everything to a JSON file. Exit status 0 only when there was no error and
every check passed.

    .venv/bin/python -m benchmarks.load --start embedded --users 20        # starts its own stack
    .venv/bin/python -m benchmarks.load --start production --instances 2   # PostgreSQL/Redis/RabbitMQ
    .venv/bin/python -m benchmarks.load --url http://127.0.0.1:8080 --env-file deploy/local.env

With `--url`, the REST token and the databases to check come from `--token`, `--env-file`
and the environment (LAWBOT_REST_TOKEN, LAWBOT_DATABASE_URL, LAWBOT_TRACKER_DATABASE_URL,
LAWBOT_ENCRYPTION_KEYS); `--no-verify` skips the checks. A stack started here lifts the
per-conversation message limit and the per-contact lead limit (scripts/bench_stacks.py);
against another stack, a refused message is counted and fails the transcript check."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import random
import re
import statistics
import sys
import threading
import time
import unicodedata
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a file: benchmarks/load.py
    sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from scripts.persona_user import PersonaUser  # noqa: E402
from scripts.simulated_user import Reply, RestChat  # noqa: E402

RESULTS = ROOT / "var" / "results" / "load"
PERSONA_FILES = ("users_en.yml", "users_zh.yml")  # under tests/strangers/


# ---------------------------------------------------------------- the users


def _digit(ch: str) -> int | None:
    value = unicodedata.digit(ch, None)
    return value if value is not None and unicodedata.category(ch) == "Nd" else None


_SEPARATORS = set(" -.\u2013\u3000\uff0d")


def _rewrite_number(text: str, national: str, tail: str) -> str:
    """`text` with the last len(tail) digits of every number ending in `national` replaced by
    `tail`, keeping how it was written (spaces, dashes, full-width digits)."""
    chars = list(text)
    runs: list[list[int]] = []
    current: list[int] = []
    gap = 0
    for index, ch in enumerate(chars):
        if _digit(ch) is not None:
            current.append(index)
            gap = 0
        elif ch in _SEPARATORS and current and gap == 0:
            gap = 1
        else:
            if current:
                runs.append(current)
            current, gap = [], 0
    if current:
        runs.append(current)
    for run in runs:
        digits = "".join(str(_digit(chars[i])) for i in run)
        if len(run) >= len(tail) and digits.endswith(national):
            for index, new in zip(run[-len(tail) :], tail, strict=True):
                wide = chars[index] != unicodedata.normalize("NFKC", chars[index])
                chars[index] = chr(ord("\uff10") + int(new)) if wide else new
    return "".join(chars)


def _rewrite(value: Any, change: Any) -> Any:
    if isinstance(value, str):
        return change(value)
    if isinstance(value, list):
        return [_rewrite(v, change) for v in value]
    if isinstance(value, dict):
        return {
            k: (v if k in ("id", "language", "expect") else _rewrite(v, change)) for k, v in value.items()
        }
    return value


def personalise(persona: dict[str, Any], tail: str) -> dict[str, Any]:
    """The persona with a phone and email of its own: the last four digits of its phone number
    become `tail`, and `tail` is added to its email's local part, wherever the persona writes
    them and in what it expects the lead to hold."""
    persona = json.loads(json.dumps(persona))
    expect = persona["expect"]
    phone = expect.get("phone")
    if phone:
        national = phone[-8:]
        changed = _rewrite(persona, lambda text: _rewrite_number(text, national, tail))
        if changed != persona:  # not when the persona gives it in pieces ("尾号是7210")
            persona = changed
            persona["expect"]["phone"] = phone[: -len(tail)] + tail
    email = expect.get("email")
    if email:
        local, _, _domain = email.partition("@")
        pattern = re.compile(re.escape(local) + r"(?=@)", re.IGNORECASE)
        persona = _rewrite(persona, lambda text: pattern.sub(lambda m: m.group(0) + tail, text))
        persona["expect"]["email"] = local + tail + "@" + _domain
    return persona


def benchmark_personas() -> list[dict[str, Any]]:
    """The 80 personas of `PERSONA_FILES`: a fixed set, so that runs stay comparable when more
    personas are written (scripts/persona_user.py plays them all)."""
    personas: list[dict[str, Any]] = []
    for name in PERSONA_FILES:
        personas.extend(yaml.safe_load((ROOT / "tests" / "strangers" / name).read_text(encoding="utf-8")))
    return personas


def choose_personas(count: int, seed: int) -> list[dict[str, Any]]:
    """`count` personas in a shuffled order (again from the start when all have played), each
    made unique (`personalise`)."""
    personas = benchmark_personas()
    rng = random.Random(seed)
    order = personas[:]
    rng.shuffle(order)
    # The contacts differ from run to run (a stack that keeps its leads limits the leads of a
    # contact a day); which personas play, in which order, does not.
    fresh = random.Random()
    tails = (
        [fresh.randrange(10000) for _ in range(count)] if count > 10000 else fresh.sample(range(10000), count)
    )
    return [personalise(order[i % len(order)], f"{tails[i]:04d}") for i in range(count)]


class Tally:
    """Counts shared by the users' threads and the progress line."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.errors = 0
        self.refused = 0
        self.done = 0
        self.saved = 0
        self.loadavg: list[float] = []  # the machine's 1-minute load average, sampled while running

    def message(self, ms: float) -> None:
        with self.lock:
            self.latencies.append(ms)


def _refusals() -> re.Pattern[str]:
    """The start of the rate limit's polite refusal (bot/limits.py), in both languages."""
    from bot.limits import _TEXTS

    starts = [text.split("{")[0][:30] for text in _TEXTS["too_many"].values()]
    return re.compile("|".join(re.escape(s) for s in starts))


_REFUSAL = _refusals()


@dataclass
class LoadChat(RestChat):
    """A REST conversation that records what was sent and received, sends each message to the
    next server in `urls` (a load balancer without stickiness), and stops when `stop` is set."""

    urls: tuple[str, ...] = ()
    sent: list[str] = field(default_factory=list)
    received: list[Reply] = field(default_factory=list)
    tally: Tally | None = None
    stop: threading.Event | None = None

    def say(self, message: str) -> list[Reply]:
        if self.stop is not None and self.stop.is_set():
            raise Stopped
        if self.urls:
            self.rasa_url = self.urls[len(self.sent) % len(self.urls)]
        self.sent.append(message)
        replies = super().say(message)  # an HTTP error or a timeout raises: not a message answered
        if self.tally is not None:
            self.tally.message(self.timings_ms[-1])
        self.received.extend(replies)
        if self.tally is not None and any(_REFUSAL.search(r.text) for r in replies):
            with self.tally.lock:
                self.tally.refused += 1
        return replies


class Stopped(Exception):
    """The run's time is up (vs_stock's timed rounds)."""


@dataclass
class Player:
    index: int
    persona: dict[str, Any]
    chat: LoadChat
    user: PersonaUser | None = None
    error: str | None = None
    seconds: float = 0.0

    @property
    def saved(self) -> bool:
        return bool(self.user and self.user.saved)


def make_chat(
    urls: list[str], sender: str, token: str | None, timeout: float, tally: Tally | None = None
) -> LoadChat:
    return LoadChat(
        urls[0],
        sender=sender,
        audit=False,
        headers={"Authorization": f"Bearer {token}"} if token else {},
        timeout=timeout,
        urls=tuple(urls),
        tally=tally,
    )


def play(player: Player) -> Player:
    """One complete intake; an error (HTTP, timeout) ends it and is kept."""
    started = time.perf_counter()
    user = PersonaUser(player.persona, player.chat)
    player.user = user
    try:
        user.play()
    except Stopped:
        pass
    except Exception as error:  # noqa: BLE001 - every failure is counted, none stops the run
        player.error = f"{type(error).__name__}: {str(error)[:200]}"
    player.seconds = time.perf_counter() - started
    return player


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def run_users(
    urls: list[str],
    personas: list[dict[str, Any]],
    *,
    token: str | None = None,
    users: int | None = None,
    ramp: float = 5.0,
    timeout: float = 300.0,
    progress_every: float = 5.0,
    quiet: bool = False,
    run_id: str | None = None,
) -> tuple[list[Player], float, Tally]:
    """Plays every persona's intake, `users` at a time (default: all at once). Returns the
    players, the wall time (first message to last reply) and the tally."""
    run_id = run_id or uuid.uuid4().hex[:8]
    tally = Tally()
    players = [
        Player(i, persona, make_chat(urls, f"load-{run_id}-{i:04d}", token, timeout, tally))
        for i, persona in enumerate(personas)
    ]
    concurrency = min(users or len(players), len(players))
    queue = list(reversed(players))
    queue_lock = threading.Lock()
    finished = threading.Event()

    def worker(slot: int) -> None:
        time.sleep(ramp * slot / max(1, concurrency))
        while True:
            with queue_lock:
                if not queue:
                    return
                player = queue.pop()
            play(player)
            with tally.lock:
                tally.done += 1
                tally.saved += player.saved
                tally.errors += player.error is not None

    def report() -> None:
        last_time, last_count = time.perf_counter(), 0
        while not finished.wait(progress_every):
            now = time.perf_counter()
            with tally.lock:
                count, done, saved, errors = len(tally.latencies), tally.done, tally.saved, tally.errors
                median = statistics.median(tally.latencies) if tally.latencies else 0.0
            rate = (count - last_count) / (now - last_time)
            last_time, last_count = now, count
            tally.loadavg.append(round(os.getloadavg()[0], 2))
            if quiet:
                continue
            print(
                f"  [{now - started:4.0f} s] intakes {done}/{len(players)} done ({saved} leads), "
                f"{count} messages, {rate:.1f} msg/s now, median {median:.0f} ms, errors {errors}",
                flush=True,
            )

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(slot,), daemon=True) for slot in range(concurrency)]
    reporter = threading.Thread(target=report, daemon=True)
    reporter.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    finished.set()
    reporter.join()
    return players, wall, tally


# ---------------------------------------------------------------- the checks


def _plain(value: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value)).casefold()


def _digits(value: str) -> str:
    return re.sub(r"\D", "", unicodedata.normalize("NFKC", value))


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


_PHONE = re.compile(r"^\+?\d[\d\s\-]{6,}$")
_CJK = re.compile(r"[\u3400-\u9fff]")
_CODE = re.compile(r"^[a-z][a-z0-9_]*$")


def lead_texts(lead: dict[str, Any]) -> list[str]:
    """What a lead holds that a user may have said: contact, answers, summary, other party."""
    texts = [
        *_strings(lead.get("contact")),
        *_strings(lead.get("answers")),
        *_strings(lead.get("counterparty")),
    ]
    summary = lead.get("summary")
    for text in _strings(summary):
        texts.extend(part for part in re.split(r"[\n;；。]|\s[|/]\s", text) if part.strip())
    return [t.strip() for t in texts if t and t.strip()]


def foreign_answers(
    own: dict[str, str], lead: dict[str, Any], others: dict[str, dict[str, str]]
) -> list[str]:
    """The texts in `lead` that another user typed but its own conversation never had.
    `own`/`others[id]`: {"plain": what the conversation had, normalised; "digits": its digits}."""
    found = []
    for text in lead_texts(lead):
        if _PHONE.match(text):
            needle, key = _digits(text)[-8:], "digits"
        elif _CODE.match(text):
            continue  # an option's code ("unknown", "cloud_saas"): the bot's, not the user's words
        else:
            needle, key = _plain(text), "plain"
            if len(needle) < (3 if _CJK.search(needle) else 6):
                continue  # too short to tell one user from another ("yes", "否")
        if not needle or needle in own[key]:
            continue
        whose = [who for who, seen in others.items() if needle in seen[key]]
        if whose:
            found.append(f"{text[:60]!r} was said in {', '.join(sorted(whose)[:3])}")
    return found


def _seen(chat: LoadChat) -> dict[str, str]:
    """Everything a conversation had: what the user typed, what the bot wrote, the buttons."""
    texts = [*chat.sent, *(r.text for r in chat.received)]
    texts += [str(b.get(k, "")) for r in chat.received for b in r.buttons for k in ("title", "payload")]
    joined = "\n".join(texts)
    return {"plain": _plain(joined), "digits": _digits(joined)}


def read_leads(database_url: str, conversation_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    from sqlalchemy import select

    from bot import db
    from bot.leads import Lead

    found: dict[str, list[dict[str, Any]]] = {c: [] for c in conversation_ids}
    with db.session_scope(database_url) as session:
        for start in range(0, len(conversation_ids), 500):
            chunk = conversation_ids[start : start + 500]
            for lead in session.execute(select(Lead).where(Lead.conversation_id.in_(chunk))).scalars():
                found[lead.conversation_id].append(lead.to_dict())
    return found


def verify(players: list[Player], database_url: str, tracker_store_url: str) -> dict[str, Any]:
    """Every lead and transcript of the run checked (see the module's docstring)."""
    from bot import staff_transcript
    from scripts.strangers import check as lead_problems

    ids = [p.chat.conversation_id for p in players]
    leads = read_leads(database_url, ids)
    seen = {p.chat.conversation_id: _seen(p.chat) for p in players}
    result: dict[str, Any] = {
        "intakes_completed": sum(p.saved for p in players),
        "leads_stored": sum(len(v) for v in leads.values()),
        "problems": [],
        "lead_differences": 0,
    }
    problems: list[str] = result["problems"]
    for player in players:
        cid = player.chat.conversation_id
        mine = leads[cid]
        if len(mine) > 1:
            problems.append(f"{cid}: {len(mine)} leads for one conversation")
        if player.saved and not mine:
            problems.append(f"{cid}: the user saw a lead reference, no lead stored")
        if mine and not player.saved:
            problems.append(f"{cid}: a lead stored, the user never saw its reference")
        transcript = staff_transcript.read(tracker_store_url, cid)
        if transcript.unreadable:
            problems.append(f"{cid}: {transcript.unreadable} tracker events could not be decrypted")
        stored = [t.text for t in transcript.turns if t.who == "user"]
        sent = player.chat.sent
        # A message that failed (HTTP error, timeout) may or may not have been stored.
        allowed = [sent, sent[:-1]] if player.error else [sent]
        if stored not in allowed:
            problems.append(f"{cid}: user messages stored {_difference(sent, stored)}")
        bot_stored = [t.text for t in transcript.turns if t.who == "bot"]
        bot_received = [r.text for r in player.chat.received]
        if not player.error and bot_stored != bot_received:
            problems.append(f"{cid}: bot messages stored {_difference(bot_received, bot_stored)}")
        for lead in mine:
            others = {
                p.chat.conversation_id: seen[p.chat.conversation_id] for p in players if p is not player
            }
            for foreign in foreign_answers(seen[cid], lead, others):
                problems.append(f"{cid}: lead {lead['id'][:8]} holds another user's answer: {foreign}")
            differences = lead_problems(player.persona, lead)
            if differences:
                result["lead_differences"] += 1
                result.setdefault("lead_difference_samples", []).append(
                    f"{player.persona['id']}: {'; '.join(differences)}"
                )
    if result["leads_stored"] != result["intakes_completed"]:
        problems.insert(
            0, f"{result['leads_stored']} leads stored for {result['intakes_completed']} intakes completed"
        )
    result["transcripts_checked"] = len(players)
    result["ok"] = not problems
    return result


def _difference(expected: list[str], got: list[str]) -> str:
    """Where two message lists part: "3 instead of 4; first difference at #2: 'x' vs 'y'"."""
    for index, (want, have) in enumerate(zip(expected, got, strict=False)):
        if want != have:
            return f"differ at #{index + 1}: {have[:40]!r} instead of {want[:40]!r}"
    return f"{len(got)} instead of {len(expected)}"


# ---------------------------------------------------------------- the run


def summarise(players: list[Player], wall: float, tally: Tally) -> dict[str, Any]:
    latencies = tally.latencies
    turns = [p.user.turns_to_lead for p in players if p.user and p.saved]
    return {
        "intakes": len(players),
        "intakes_completed": sum(p.saved for p in players),
        "messages": len(latencies),
        "wall_seconds": round(wall, 1),
        "messages_per_second": round(len(latencies) / wall, 2) if wall else None,
        "latency_ms": {
            "median": round(statistics.median(latencies), 1) if latencies else None,
            "p95": round(percentile(latencies, 0.95), 1) if latencies else None,
            "max": round(max(latencies), 1) if latencies else None,
            "mean": round(statistics.fmean(latencies), 1) if latencies else None,
        },
        "errors": sum(p.error is not None for p in players),
        "error_samples": sorted({p.error for p in players if p.error})[:10],
        "refused_replies": tally.refused,
        "turns_to_lead_median": statistics.median(turns) if turns else None,
        "loadavg_while_running": {
            "median": round(statistics.median(tally.loadavg), 2) if tally.loadavg else None,
            "max": max(tally.loadavg) if tally.loadavg else None,
        },
    }


def machine() -> dict[str, Any]:
    load1, load5, load15 = os.getloadavg()
    return {
        "cpus": os.cpu_count(),
        "loadavg": [round(load1, 2), round(load5, 2), round(load15, 2)],
        "python": platform.python_version(),
        "host": platform.node(),
    }


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines (comments, blank lines and `export ` ignored; quotes stripped)."""
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.removeprefix("export ").partition("=")
        values[key.strip()] = value.strip().strip("'\"")
    return values


@contextlib.contextmanager
def target(args: argparse.Namespace) -> Iterator[Any]:
    """The stack to load: started here (embedded / production) or given by URL."""
    from scripts import bench_stacks

    if args.start == "embedded":
        with bench_stacks.embedded() as running:
            yield running
    elif args.start == "production":
        with bench_stacks.production(args.instances) as running:
            yield running
    else:
        if args.env_file:
            for key, value in read_env_file(Path(args.env_file)).items():
                os.environ.setdefault(key, value)  # variables already set win
        from bot import crypto

        crypto.reset()
        database_url = os.environ.get("LAWBOT_DATABASE_URL", "")
        yield bench_stacks.Running(
            [u.rstrip("/") for u in args.url],
            database_url,
            os.environ.get("LAWBOT_TRACKER_DATABASE_URL") or database_url,
            args.token or os.environ.get("LAWBOT_REST_TOKEN") or None,
            os.environ.get("LAWBOT_PROFILE", "?"),
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--url", action="append", help="a REST server's base URL (repeat: round robin)")
    where.add_argument("--start", choices=("embedded", "production"), help="start a stack for the run")
    parser.add_argument("--instances", type=int, default=1, help="Rasa servers (--start production)")
    parser.add_argument("--token", help="REST bearer token (default: LAWBOT_REST_TOKEN)")
    parser.add_argument("--env-file", help="KEY=VALUE file with the token, databases and keys (--url)")
    parser.add_argument("--intakes", type=int, default=100, help="complete intakes to play")
    parser.add_argument("--users", type=int, help="users at once (default: all the intakes at once)")
    parser.add_argument("--ramp", type=float, default=5.0, help="seconds over which the users start")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds a message may take")
    parser.add_argument("--seed", type=int, default=10, help="which personas, in which order")
    parser.add_argument("--no-verify", action="store_true", help="skip the lead and transcript checks")
    parser.add_argument("--label", default="", help="a name for this run in the JSON")
    parser.add_argument("--out", help=f"JSON result (default: {RESULTS.relative_to(ROOT)}/load-<time>.json)")
    args = parser.parse_args(argv)
    if args.start != "production" and args.instances != 1:
        parser.error("--instances is for --start production (give --url several times otherwise)")

    personas = choose_personas(args.intakes, args.seed)
    before = machine()
    stamp = datetime.now(timezone.utc)
    with target(args) as running:
        users = args.users or args.intakes
        print(
            f"{args.intakes} intakes, {users} users at once, against {', '.join(running.urls)} "
            f"(load average {before['loadavg'][0]} on {before['cpus']} CPUs)",
            flush=True,
        )
        for url in running.urls:  # the first message of a fresh server is slow: not counted
            warm = make_chat([url], f"load-warmup-{uuid.uuid4().hex[:6]}", running.rest_token, args.timeout)
            warm.say("hello")
        players, wall, tally = run_users(
            running.urls,
            personas,
            token=running.rest_token,
            users=users,
            ramp=args.ramp,
            timeout=args.timeout,
        )
        after = machine()
        summary = summarise(players, wall, tally)
        checks: dict[str, Any] | None = None
        if not args.no_verify:
            if not running.database_url:
                print("cannot check leads: no LAWBOT_DATABASE_URL (give --env-file or --no-verify)")
                return 2
            print("checking every lead and transcript…", flush=True)
            checks = verify(players, running.database_url, running.tracker_store_url)
    lat = summary["latency_ms"]
    print(
        f"\n{summary['intakes_completed']}/{summary['intakes']} intakes completed, {summary['messages']} "
        f"messages in {summary['wall_seconds']} s: {summary['messages_per_second']} msg/s; latency median "
        f"{lat['median']} ms, p95 {lat['p95']} ms, max {lat['max']} ms; errors {summary['errors']}"
        f"{', refused replies ' + str(summary['refused_replies']) if summary['refused_replies'] else ''}"
    )
    for sample in summary["error_samples"]:
        print(f"  error: {sample}")
    if checks is not None:
        print(
            f"checks: {checks['leads_stored']} leads stored for {checks['intakes_completed']} intakes "
            f"completed; {checks['transcripts_checked']} transcripts; "
            f"{'all correct' if checks['ok'] else str(len(checks['problems'])) + ' problem(s)'}"
            f" (leads differing from the persona's expectations, as in scripts/strangers.py: "
            f"{checks['lead_differences']})"
        )
        for problem in checks["problems"][:20]:
            print(f"  {problem}")
    result = {
        "tool": "benchmarks/load.py",
        "label": args.label,
        "started_at": stamp.isoformat(timespec="seconds"),
        "target": {"urls": running.urls, "profile": running.profile, "started_here": bool(args.start)},
        "intakes": args.intakes,
        "users_at_once": users,
        "ramp_seconds": args.ramp,
        "machine_before": before,
        "machine_after": after,
        "summary": summary,
        "checks": checks,
        "users": [
            {
                "conversation": p.chat.conversation_id,
                "persona": p.persona["id"],
                "messages": len(p.chat.sent),
                "saved": p.saved,
                "error": p.error,
                "seconds": round(p.seconds, 1),
            }
            for p in players
        ],
    }
    out = Path(args.out) if args.out else RESULTS / f"load-{stamp:%Y%m%d-%H%M%S}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"result: {out}")
    return 0 if summary["errors"] == 0 and (checks is None or checks["ok"]) else 1


if __name__ == "__main__":
    sys.exit(main())
