"""bot/limits.py: the per-conversation and per-address message limits and the length cap,
on a clock the tests move, and the polite answers in the sender's language."""

from __future__ import annotations

import pytest

from bot.limits import Limits, Refusal, SlidingWindow
from bot.settings import load as load_settings


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return Clock()


def test_a_window_admits_its_limit_then_refuses_until_the_oldest_ages_out(clock):
    window = SlidingWindow(3, 60, clock)
    for _ in range(3):
        assert window.wait("a") == 0
        window.record("a")
        clock.now += 10
    assert window.wait("a") == pytest.approx(30)  # first at 1000, now 1030: free at 1060
    clock.now = 1059.9
    assert window.wait("a") > 0
    clock.now = 1060.0
    assert window.wait("a") == 0


def test_keys_are_counted_apart_and_forgotten_once_empty(clock):
    window = SlidingWindow(1, 60, clock)
    window.record("a")
    assert window.wait("a") > 0 and window.wait("b") == 0
    clock.now += 61
    assert window.wait("a") == 0
    assert len(window) == 0


def test_the_number_of_remembered_keys_is_bounded(clock):
    window = SlidingWindow(1, 60, clock, max_keys=100)
    for i in range(1000):
        window.record(f"k{i}")
    assert len(window) == 100
    assert window.wait("k999") > 0


def test_a_zero_limit_is_no_limit(clock):
    limits = Limits(max_chars=0, per_conversation=0, per_address=0, clock=clock)
    for _ in range(500):
        assert limits.check("c", "203.0.113.5", "x" * 100_000) is None


def test_a_conversation_trips_its_limit_and_recovers_after_the_window(clock):
    limits = Limits(max_chars=100, per_conversation=3, per_address=100, window=60, clock=clock)
    assert [limits.check("c", None, "hi") for _ in range(3)] == [None, None, None]
    refused = limits.check("c", None, "hi")
    assert refused is not None and refused.reason == "conversation" and 0 < refused.wait <= 60
    assert limits.check("other", None, "hi") is None  # another conversation is not held back
    clock.now += 30
    assert limits.check("c", None, "hi") is not None  # refused messages do not extend the pause...
    clock.now += 30.5
    assert limits.check("c", None, "hi") is None  # ...and the window recovers


def test_an_address_trips_across_conversations_and_recovers(clock):
    limits = Limits(max_chars=100, per_conversation=100, per_address=5, window=60, clock=clock)
    for i in range(5):
        assert limits.check(f"c{i}", "203.0.113.5", "hi") is None
    refused = limits.check("fresh", "203.0.113.5", "hi")
    assert refused is not None and refused.reason == "address"
    assert limits.check("fresh", "198.51.100.7", "hi") is None
    assert limits.check("fresh", None, "hi") is None  # no address (relayed, local): not counted
    clock.now += 60.1
    assert limits.check("fresh", "203.0.113.5", "hi") is None


def test_a_message_refused_for_its_address_does_not_use_up_its_conversation(clock):
    limits = Limits(max_chars=100, per_conversation=2, per_address=1, window=60, clock=clock)
    assert limits.check("c", "203.0.113.5", "hi") is None
    for _ in range(5):
        assert limits.check("c", "203.0.113.5", "hi").reason == "address"
    assert limits.check("c", "198.51.100.7", "hi") is None  # the conversation's second message


def test_a_message_over_the_length_cap_is_refused_and_one_at_the_cap_passes(clock):
    limits = Limits(max_chars=10, per_conversation=100, per_address=100, clock=clock)
    assert limits.check("c", None, "x" * 10) is None
    refused = limits.check("c", None, "我" * 11)
    assert refused == Refusal("too_long", length=11, limit=10)
    assert limits.check("c", None, None) is None  # a message without text (an image) is not too long


def test_the_answers_are_in_the_language_of_the_message():
    too_long = Refusal("too_long", length=5000, limit=4000)
    zh = too_long.answer("我们公司的服务器被攻击了" * 400)
    assert "5000" in zh and "4000" in zh and "分成" in zh and "Please" not in zh
    en = too_long.answer("Our servers were attacked last night " * 200)
    assert "5000" in en and "4000" in en and "several shorter messages" in en and "请" not in en
    busy = Refusal("conversation", wait=12.2).answer("hello there")
    assert "13 seconds" in busy and "wait" in busy


@pytest.mark.parametrize("text", ["/greet", "12345", "😀😀", "", None])
def test_without_words_the_answer_is_in_both_languages_chinese_first(text):
    answer = Refusal("address", wait=0.2).answer(text)
    assert answer.index("请等待约 2 秒") < answer.index("wait about 2 seconds")


def test_the_limits_come_from_the_settings(monkeypatch, clock):
    monkeypatch.setenv("LAWBOT_MESSAGES_PER_MINUTE", "2")
    monkeypatch.setenv("LAWBOT_IP_MESSAGES_PER_MINUTE", "7")
    monkeypatch.setenv("LAWBOT_MAX_MESSAGE_CHARS", "50")
    monkeypatch.setenv("LAWBOT_RATE_WINDOW_SECONDS", "5")
    limits = Limits.from_settings(load_settings(), clock)
    assert (limits.max_chars, limits.conversations.limit, limits.addresses.limit) == (50, 2, 7)
    assert limits.conversations.window == limits.addresses.window == 5


# ---- the hook in the Rasa server (bot/rasa/serve.py) --------------------------------------


def run_guarded(limits, messages, address=None, relayed=False):
    """(texts the bot handled, the answers sent instead) for messages through the guard."""
    import asyncio

    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

    from bot.rasa.serve import CLIENT_ADDRESS, guard

    handled: list[str] = []

    async def on_new_message(message):
        handled.append(message.text)

    async def go():
        CLIENT_ADDRESS.set(address)
        output = CollectingOutputChannel()
        guarded = guard(on_new_message, limits, relayed)
        for sender, text in messages:
            await guarded(UserMessage(text, output, sender))
        return [m["text"] for m in output.messages]

    return handled, asyncio.run(go())


def test_the_hook_passes_admitted_messages_and_answers_the_others_on_their_channel(clock):
    limits = Limits(max_chars=20, per_conversation=2, per_address=100, clock=clock)
    handled, answers = run_guarded(limits, [("a", "hello"), ("a", "hi"), ("a", "hey there"), ("b", "x" * 21)])
    assert handled == ["hello", "hi"]
    assert len(answers) == 2 and "faster than I can read" in answers[0] and "21" in answers[1]


@pytest.mark.parametrize(
    ("address", "relayed", "limited"),
    [
        ("203.0.113.5", False, True),
        ("127.0.0.1", False, False),  # this machine: the tests, a local browser, an unconfigured proxy
        ("::1", False, False),
        ("203.0.113.5", True, False),  # Telegram's or WeChat's servers speak for all their users
    ],
)
def test_the_address_limit_applies_to_outside_addresses_of_direct_channels(clock, address, relayed, limited):
    limits = Limits(max_chars=100, per_conversation=100, per_address=2, clock=clock)
    messages = [(f"s{i}", "hello") for i in range(3)]
    handled, answers = run_guarded(limits, messages, address, relayed)
    assert len(handled) == (2 if limited else 3) and len(answers) == (1 if limited else 0)


# ---- the client's address behind a proxy (bot/rasa/serve.py) ----------------------------------


@pytest.mark.parametrize(
    ("peer", "forwarded", "trusted", "client"),
    [
        ("203.0.113.5", None, (), "203.0.113.5"),
        # Not from a proxy we trust: the header is the client's own word, ignored.
        ("203.0.113.5", "198.51.100.1", (), "203.0.113.5"),
        # nginx on this machine appended the address it was reached from.
        ("127.0.0.1", "198.51.100.1", (), "198.51.100.1"),
        ("::1", "198.51.100.1", (), "198.51.100.1"),
        ("::ffff:127.0.0.1", "198.51.100.1", (), "198.51.100.1"),
        # A client that writes its own header cannot choose its address: the proxy's is last.
        ("127.0.0.1", "10.9.9.9, 198.51.100.1", (), "198.51.100.1"),
        # Proxies in a row, each trusted: the nearest untrusted address.
        ("10.0.0.2", "198.51.100.1, 10.0.0.3", ("10.0.0.0/8",), "198.51.100.1"),
        ("10.0.0.2", "198.51.100.1, 10.0.0.3", (), "10.0.0.2"),
        # A local client through nginx: this machine (no address limit).
        ("127.0.0.1", "127.0.0.1", (), "127.0.0.1"),
        ("127.0.0.1", "", (), "127.0.0.1"),
        (None, "198.51.100.1", (), None),
    ],
)
def test_the_client_address_is_taken_from_x_forwarded_for_only_behind_a_trusted_proxy(
    peer, forwarded, trusted, client
):
    from bot.rasa.serve import client_address, trusted_networks

    assert client_address(peer, forwarded, trusted_networks(trusted)) == client


def test_trusted_proxies_come_from_the_environment_and_a_bad_one_fails_at_start(monkeypatch):
    from bot.rasa.serve import trusted_networks

    monkeypatch.setenv("LAWBOT_TRUSTED_PROXIES", "10.0.0.0/8, 192.0.2.7")
    assert [str(n) for n in trusted_networks(load_settings().trusted_proxies)] == [
        "10.0.0.0/8",
        "192.0.2.7/32",
    ]
    with pytest.raises(ValueError):
        trusted_networks(("not-an-address",))
