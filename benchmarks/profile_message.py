"""Where one message's time goes: `python -m benchmarks.profile_message [--conversations N] [--length M]`.

Runs the real Rasa server (`bot.rasa.serve`, with its guards and speed-ups) in this process and
the action server (`bot.rasa.action_server`) as a child, both on free ports with a temporary
var/ directory; plays N conversations of M messages over REST (a simulated user completes an
intake, says "start over", completes another, ...) and times each stage of every message by
wrapping the Rasa and project functions that do the work:

    guard (limits)        bot.limits.Limits.check (rate limits, length cap)
    lock                  the lock store (Agent.handle_message minus the processor's)
    tracker load          ErasingSQLTrackerStore._retrieve (SQL, decryption, replay)
      of which decrypt    bot.crypto.decrypt_event_data
      of which replay     DialogueStateTracker.from_dict (events rebuilt and applied)
    NLU                   MessageProcessor.parse_message (spaCy/jieba, featurizers, DIET, ours)
    policies              MessageProcessor._predict_next_with_tracker (RulePolicy)
    action calls          RemoteAction.run (count per message), of which:
      build request       RemoteAction._action_call_format (tracker and domain as JSON)
      HTTP + action server EndpointConfig.request (encode, send, the action runs, answer)
      check answer        RemoteAction._validate_action_result (JSON schema)
    tracker save          ErasingSQLTrackerStore.save (encryption of the new events, commit)
    rest of Rasa          the processor's total minus the above (forms, events, replies)
    HTTP in/out           the client's round trip minus the Agent's

It prints the median of each stage per message (ms), for all messages and for message 5 and
message M, and the size of the action calls' bodies. Wall-clock times: on a busy machine run it
twice. Numbers and their reading: docs/performance.md.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

from bot.settings import PROJECT_ROOT, Settings
from bot.settings import load as load_settings

STAGES = (
    "guard (limits)",
    "lock",
    "tracker load",
    "  decrypt",
    "  replay",
    "NLU",
    "policies",
    "action calls",
    "  build request",
    "  HTTP + action server",
    "  check answer",
    "tracker save",
    "rest of Rasa",
    "HTTP in/out",
    "total (client)",
)

# The stage times of the message being handled (one conversation at a time: no overlap): wall
# time, and CPU time of the server's thread under "cpu:<stage>" (a busy machine stretches the
# wall times; the CPU times say what the work costs).
_current: dict[str, float] = defaultdict(float)
_counts: dict[str, int] = defaultdict(int)
_bodies: list[int] = []


def _timed(stage: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """`function` (sync or async) adding its wall time to `stage`."""
    import inspect

    if inspect.iscoroutinefunction(function):

        @functools.wraps(function)
        async def timed_async(*args: Any, **kwargs: Any) -> Any:
            started, cpu = time.perf_counter(), time.thread_time()
            try:
                return await function(*args, **kwargs)
            finally:
                _current[stage] += (time.perf_counter() - started) * 1000
                _current["cpu:" + stage] += (time.thread_time() - cpu) * 1000
                _counts[stage] += 1

        return timed_async

    @functools.wraps(function)
    def timed(*args: Any, **kwargs: Any) -> Any:
        started, cpu = time.perf_counter(), time.thread_time()
        try:
            return function(*args, **kwargs)
        finally:
            _current[stage] += (time.perf_counter() - started) * 1000
            _current["cpu:" + stage] += (time.thread_time() - cpu) * 1000
            _counts[stage] += 1

    return timed


def _wrap(owner: Any, name: str, stage: str) -> None:
    original = owner.__dict__[name]
    is_static = isinstance(original, staticmethod)
    function = original.__func__ if is_static else original
    wrapped = _timed(stage, function)
    setattr(owner, name, staticmethod(wrapped) if is_static else wrapped)


def instrument() -> None:
    """Wraps the stages' functions (before the server starts, after serve's own patches)."""
    from rasa.core.actions.action import RemoteAction
    from rasa.core.agent import Agent
    from rasa.core.processor import MessageProcessor
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.utils.endpoints import EndpointConfig

    from bot import crypto
    from bot.limits import Limits
    from bot.rasa import serve, stores

    # serve() applies these too; their markers (kept by functools.wraps) keep them once
    serve.abandon_turns_on_failed_actions()
    try:
        from bot.rasa import speedups
    except ImportError:  # a checkout from before them (for the "before" column)
        pass
    else:
        speedups.apply()
    _wrap(Limits, "check", "guard (limits)")
    _wrap(Agent, "handle_message", "agent")
    _wrap(MessageProcessor, "handle_message", "processor")
    _wrap(stores.ErasingSQLTrackerStore, "_retrieve", "tracker load")
    crypto.decrypt_event_data = _timed("  decrypt", crypto.decrypt_event_data)  # type: ignore[assignment]
    original_from_dict = DialogueStateTracker.__dict__["from_dict"].__func__
    DialogueStateTracker.from_dict = classmethod(_timed("  replay", original_from_dict))  # type: ignore[assignment]
    _wrap(MessageProcessor, "parse_message", "NLU")
    _wrap(MessageProcessor, "_predict_next_with_tracker", "policies")
    _wrap(RemoteAction, "run", "action calls")
    _wrap(RemoteAction, "_action_call_format", "  build request")
    _wrap(RemoteAction, "_validate_action_result", "  check answer")
    _wrap(stores.ErasingSQLTrackerStore, "save", "tracker save")

    request = EndpointConfig.request

    async def measured_request(self: Any, *args: Any, **kwargs: Any) -> Any:
        if "json" in kwargs and isinstance(kwargs["json"], dict) and "next_action" in kwargs["json"]:
            started, cpu = time.perf_counter(), time.thread_time()
            _bodies.append(len(json.dumps(kwargs["json"])))
            # the measurement's own time is not the message's (message_stages takes it off)
            _current["probe"] += (time.perf_counter() - started) * 1000
            _current["cpu:probe"] += (time.thread_time() - cpu) * 1000
        started, cpu = time.perf_counter(), time.thread_time()
        try:
            return await request(self, *args, **kwargs)
        finally:
            _current["  HTTP + action server"] += (time.perf_counter() - started) * 1000
            _current["cpu:  HTTP + action server"] += (time.thread_time() - cpu) * 1000

    EndpointConfig.request = measured_request  # type: ignore[method-assign]


def message_stages(round_trip_ms: float, action_server_cpu_ms: float) -> dict[str, float]:
    """The finished message's stages (ms; "cpu:" ones in CPU time), with the derived ones."""
    found = dict(_current)
    measured = ("tracker load", "NLU", "policies", "action calls", "tracker save")
    for prefix in ("", "cpu:"):
        for enclosing in ("agent", "processor", "action calls"):  # they enclose the probe
            found[prefix + enclosing] = found.get(prefix + enclosing, 0.0) - found.get(prefix + "probe", 0.0)
        found[prefix + "lock"] = found.get(prefix + "agent", 0.0) - found.get(prefix + "processor", 0.0)
        found[prefix + "rest of Rasa"] = found.get(prefix + "processor", 0.0) - sum(
            found.get(prefix + s, 0.0) for s in measured
        )
    round_trip_ms -= found.get("probe", 0.0)
    found["HTTP in/out"] = round_trip_ms - found.get("agent", 0.0) - found.get("guard (limits)", 0.0)
    found["total (client)"] = round_trip_ms
    found["cpu:total (client)"] = found.get("cpu:agent", 0.0) + found.get("cpu:guard (limits)", 0.0)
    found["cpu:action server (own CPU)"] = found["action server (own CPU)"] = action_server_cpu_ms
    found["action calls (count)"] = found["cpu:action calls (count)"] = float(_counts.get("action calls", 0))
    return found


def process_cpu_ms(pid: int) -> float:
    """CPU time its main thread (where a Sanic server works) has used so far (Linux /proc, ns)."""
    return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e6


def reset() -> None:
    _current.clear()
    _counts.clear()


def play(rasa_url: str, conversations: int, length: int, action_pid: int) -> list[list[dict[str, float]]]:
    """N conversations of `length` messages; the stages of every message."""
    from bot import topics
    from scripts.simulated_user import RestChat, SimulatedUser

    played: list[list[dict[str, float]]] = []
    codes = list(topics.TOPIC_CODES)
    for number in range(conversations):
        chat = RestChat(rasa_url, audit=False)
        stages: list[dict[str, float]] = []
        original_say = chat.say

        def say(
            message: str, _say: Callable[[str], Any] = original_say, _s: list[Any] = stages, _c: Any = chat
        ) -> Any:
            reset()
            before = process_cpu_ms(action_pid)
            replies = _say(message)
            _s.append(message_stages(_c.timings_ms[-1], process_cpu_ms(action_pid) - before))
            return replies

        chat.say = say  # type: ignore[method-assign]
        intake = 0
        while len(stages) < length:
            code = codes[(number * 5 + intake) % len(codes)]
            language = "zh" if (number + intake) % 2 == 0 else "en"
            SimulatedUser(chat, code, language).complete_intake(max_turns=min(20, length - len(stages)))
            intake += 1
            if len(stages) < length:
                chat.say("重新开始" if language == "zh" else "start over")
        played.append(stages[:length])
        print(f"  conversation {number + 1}/{conversations}: {len(stages[:length])} messages", flush=True)
    return played


def report(played: list[list[dict[str, float]]], length: int) -> str:
    def median(stage: str, messages: slice) -> float:
        values = [m.get(stage, 0.0) for conversation in played for m in conversation[messages]]
        return statistics.median(values) if values else 0.0

    every, early, late = slice(0, length), slice(4, 5), slice(length - 1, length)
    rows = [
        "median per message, ms: CPU time of the Rasa server's thread (wall time in brackets)",
        f"{'stage':26} {'all':>16} {'message 5':>16} {f'message {length}':>16}",
    ]
    for stage in (*STAGES, "action server (own CPU)", "action calls (count)"):
        cells = [
            f"{median('cpu:' + stage, part):7.1f} ({median(stage, part):6.1f})"
            for part in (every, early, late)
        ]
        rows.append(f"{stage:26} " + " ".join(f"{c:>16}" for c in cells))
    if _bodies:
        rows.append(
            f"action call bodies: median {statistics.median(_bodies) / 1024:.1f} KiB, "
            f"largest {max(_bodies) / 1024:.1f} KiB, {len(_bodies)} calls"
        )
    return "\n".join(rows)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, timeout: float = 300) -> None:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer in {timeout:.0f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.profile_message", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--conversations", type=int, default=3)
    parser.add_argument("--length", type=int, default=40, help="messages per conversation (at least 5)")
    args = parser.parse_args(argv)
    base = load_settings()
    var = Path(tempfile.mkdtemp(prefix="lawbot-profile-"))
    settings = Settings(
        var, base.model_path, base.spacy_model_dir, free_port(), free_port(), "127.0.0.1", free_port()
    )
    secret = secrets.token_urlsafe(32)
    os.environ.update(
        {
            "LAWBOT_VAR_DIR": str(var),
            "LAWBOT_ACTION_SECRET": secret,
            "RASA_API_TOKEN": secrets.token_urlsafe(24),
            "LAWBOT_MESSAGES_PER_MINUTE": "0",  # one fast conversation is not a flood here
            "LAWBOT_LEADS_PER_CONTACT_PER_DAY": "0",
            "RASA_TELEMETRY_ENABLED": "false",
            "TF_CPP_MIN_LOG_LEVEL": "3",
        }
    )
    from bot.db import upgrade
    from bot.ops.supervisor import Stack

    upgrade(f"sqlite:///{var / 'leads.db'}")
    stack = Stack(settings, action_secret=secret)
    endpoints, credentials = stack.write_endpoints(), stack.write_credentials()
    action_log = (var / "actions.log").open("ab")
    action_server = subprocess.Popen(
        [sys.executable, "-m", "bot.rasa.action_server", "--port", str(settings.action_port)],
        cwd=PROJECT_ROOT,
        env={**os.environ},
        stdout=action_log,
        stderr=subprocess.STDOUT,
    )
    result: dict[str, Any] = {}

    def client() -> None:
        try:
            wait_for(f"{stack.action_url}/health")
            wait_for(f"{stack.rasa_url}/")
            print("servers ready; playing the conversations", flush=True)
            requests.post(
                f"{stack.rasa_url}/webhooks/rest/webhook",
                json={"sender": "warm-up", "message": "hello"},
                timeout=60,
            )
            result["played"] = play(stack.rasa_url, args.conversations, args.length, action_server.pid)
        except BaseException as error:  # noqa: BLE001 - reported after the server stopped
            result["error"] = error
        finally:
            os.kill(os.getpid(), signal.SIGINT)  # stops the Rasa server in the main thread

    instrument()
    threading.Thread(target=client, daemon=True).start()
    from bot.rasa import serve

    os.chdir(PROJECT_ROOT)
    try:
        serve.main(
            [
                "--endpoints",
                str(endpoints),
                "--credentials",
                str(credentials),
                "--port",
                str(settings.rasa_port),
            ]
        )
    except KeyboardInterrupt:
        pass
    finally:
        action_server.terminate()
        action_server.wait(10)
        action_log.close()
        shutil.rmtree(var, ignore_errors=True)
    if "error" in result:
        raise result["error"]
    print(report(result["played"], args.length))
    return 0


if __name__ == "__main__":
    sys.exit(main())
