"""The embedded default heals: the supervisor's restart policy (backoff, giving up after
repeated fast crashes) with an injected clock, its watch loop on real child processes, and
the Rasa server's guard turning a failed action into an apology."""

from __future__ import annotations

import asyncio
import dataclasses
import sys

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot.ops.restarts import RestartPolicy
from bot.ops.supervisor import GaveUp, Server, Stack
from bot.rasa.serve import ActionFailed, apology, guard
from bot.settings import load as load_settings


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_pause_before_a_restart_doubles_with_each_crash_up_to_its_cap():
    clock = Clock()
    policy = RestartPolicy(max_crashes=10, window=60, base_delay=1, max_delay=5, clock=clock)
    delays = []
    for _ in range(5):
        delays.append(policy.crashed())
        clock.now += 1
    assert delays == [1, 2, 4, 5, 5]


def test_the_supervisor_gives_up_only_after_five_crashes_within_a_minute():
    clock = Clock()
    policy = RestartPolicy(clock=clock)
    assert [policy.crashed() for _ in range(4)] == [1, 2, 4, 8]
    assert policy.crashed() is None  # the fifth within a minute


def test_crashes_far_apart_are_restarted_for_ever_and_the_pause_shrinks_again():
    clock = Clock()
    policy = RestartPolicy(clock=clock)
    for _ in range(20):
        assert policy.crashed() == 1
        clock.now += 61
    assert policy.crashed() == 1
    clock.now += 30
    assert policy.crashed() == 2  # two within the minute
    clock.now += 31
    assert policy.crashed() == 2  # the first has left the window


def test_the_watch_restarts_a_crashing_child_with_the_same_environment_then_gives_up(tmp_path, capsys):
    clock = Clock()

    def advancing() -> float:  # every look at the clock is a second later: no real waiting
        clock.now += 1
        return clock.now

    stack = Stack(dataclasses.replace(load_settings(), var_dir=tmp_path))
    log = tmp_path / "log" / "crasher.log"
    crasher = Server(
        "crasher",
        [sys.executable, "-c", "import os, sys; print('secret', os.environ['SECRET']); sys.exit(3)"],
        None,
        log,
        extra_env={"SECRET": "s3"},
    )
    stack.servers = [crasher]
    stack.env = {"PATH": "/usr/bin:/bin"}
    crasher.start(stack.env)
    crasher.process.wait()
    with pytest.raises(GaveUp, match="crasher exited with code 3"):
        stack.watch(lambda: False, clock=advancing, interval=0.01)
    out = capsys.readouterr().out
    assert out.count("crasher exited with code 3; restarting it in") == 4
    assert "restarting it in 1 s" in out and "restarting it in 8 s" in out
    text = log.read_text()
    assert text.count("secret s3") == 5  # started once and restarted four times, with its secret
    assert text.count("[supervisor] crasher exited with code 3") == 4
    assert "crasher exited" in (tmp_path / "log" / "supervisor.log").read_text()


def test_the_watch_stops_when_asked(tmp_path):
    stack = Stack(dataclasses.replace(load_settings(), var_dir=tmp_path))
    sleeper = Server(
        "sleeper", [sys.executable, "-c", "import time; time.sleep(30)"], None, tmp_path / "s.log"
    )
    stack.servers = [sleeper]
    sleeper.start({"PATH": "/usr/bin:/bin"})
    calls = iter([False, False, True])
    try:
        stack.watch(lambda: next(calls), interval=0.01)
        assert sleeper.process.poll() is None  # untouched: it was running
    finally:
        stack.stop()


class Limitless:
    def check(self, conversation, address, text):
        return None


def guarded_turn(text, language_of=None, fail=True):
    """One message through the guard, the turn failing after a first reply was collected."""

    async def on_new_message(message):
        await message.output_channel.send_response(message.sender_id, {"text": "half a turn"})
        if fail:
            raise ActionFailed("action_ask_intake_answer")

    async def go():
        output = CollectingOutputChannel()
        kwargs = {"language_of": language_of} if language_of else {}
        await guard(on_new_message, Limitless(), False, **kwargs)(UserMessage(text, output, "rest:u1"))
        return [m["text"] for m in output.messages]

    # (a collecting channel sends each paragraph as a message of its own)
    return ["\n\n".join(asyncio.run(go()))]


def test_a_failed_turn_is_withdrawn_and_answered_with_an_apology_in_the_conversations_language():
    async def english(sender_id, text):
        return "en"

    assert guarded_turn("/affirm", english) == [apology("en")]
    assert "send the same message again" in apology("en")
    assert guarded_turn("我们的网站被攻击了") == [apology("zh")]
    assert "重新发送同一条消息" in apology("zh")
    # Unknown language: both, Chinese first.
    assert guarded_turn("13812345678") == [apology("zh") + "\n\n" + apology("en")]
    assert guarded_turn("hello there", fail=False) == ["half a turn"]


def test_a_failing_language_lookup_still_gets_the_apology_in_both_languages():
    async def broken(sender_id, text):
        raise RuntimeError("tracker store down")

    assert guarded_turn("/affirm", broken) == [apology(None)]
