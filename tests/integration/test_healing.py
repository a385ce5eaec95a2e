"""The embedded default heals, on the real servers: the action server is killed while a
conversation is inside a form; the message sent meanwhile gets an apology in the
conversation's language and changes nothing; the supervisor restarts the action server; the
user repeats the message and the form goes on; the lead is saved exactly once."""

from __future__ import annotations

import os
import re
import signal
import threading
import time

import pytest
import requests

from bot import leads
from bot.db import session_factory
from bot.rasa.serve import apology
from scripts.simulated_user import RestChat, SimulatedUser, saved_reference

pytestmark = pytest.mark.stack

NAME_QUESTION = re.compile("怎么称呼")


@pytest.fixture
def watched(stack):
    """The shared stack under the supervisor's watch (as `make run` has it) for this test;
    afterwards every child is running again, whatever the test did."""
    stop = threading.Event()
    failures: list[BaseException] = []

    def watch() -> None:
        try:
            stack.watch(stop.is_set, interval=0.2)
        except BaseException as error:  # noqa: BLE001 - reported by the test
            failures.append(error)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    yield stack, failures
    stop.set()
    thread.join(timeout=60)
    for server in stack.servers:
        if server.process is None or server.process.poll() is not None:
            server.start(stack.env)
            server.wait_ready(240, progress=False)


def user_texts(stack, sender_id: str) -> list[str]:
    response = requests.get(
        f"{stack.rasa_url}/conversations/{sender_id}/tracker",
        params={"token": stack.api_token},
        timeout=10,
    )
    response.raise_for_status()
    return [e.get("text") for e in response.json()["events"] if e["event"] == "user"]


def test_a_killed_action_server_is_restarted_and_the_user_repeats_the_message_without_loss(watched):
    stack, failures = watched
    action_server = next(s for s in stack.servers if s.name == "action server")
    chat = RestChat(stack.rasa_url)
    user = SimulatedUser(chat, "data_breach", "zh")

    # Into the contact form, up to its question for the name.
    replies = chat.say(user.first_message)
    for _ in range(15):
        assert not saved_reference(replies)
        if NAME_QUESTION.search(replies[-1].text) and not replies[-1].buttons:
            break
        move = user.next_move([r.text for r in replies], [b["title"] for r in replies for b in r.buttons])
        replies = user._play(move, replies)
    else:
        pytest.fail("the name question never came:\n" + "\n".join(f"{w}: {t}" for w, t in chat.transcript))
    answer = user.next_move([r.text for r in replies], [])
    assert answer.type and answer.type.startswith("李伟")
    before = user_texts(stack, chat.conversation_id)

    killed = action_server.process
    os.kill(killed.pid, signal.SIGKILL)
    killed.wait(10)
    replies = chat.say(answer.type)
    assert [r.text for r in replies] == [apology("zh")], "only the apology, in the conversation's language"
    assert user_texts(stack, chat.conversation_id) == before, "the failed turn left nothing in the tracker"

    deadline = time.monotonic() + 120
    while not (action_server.process is not killed and action_server.is_ready()):
        assert not failures, failures
        assert time.monotonic() < deadline, "the action server was not restarted"
        time.sleep(0.3)
    log = (stack.settings.var_dir / "log" / "supervisor.log").read_text(encoding="utf-8")
    assert "action server exited with code -9; restarting it in 1 s" in log
    assert "[supervisor] action server exited with code -9" in action_server.log_path.read_text(
        encoding="utf-8"
    )

    # The same answer again: the form takes it and goes on to its next question.
    replies = chat.say(answer.type)
    assert replies and apology("zh") not in [r.text for r in replies]
    assert not NAME_QUESTION.search(replies[-1].text), "the form asked for the name again"
    for _ in range(10):
        if saved_reference(replies):
            break
        move = user.next_move([r.text for r in replies], [b["title"] for r in replies for b in r.buttons])
        replies = user._play(move, replies)
    assert saved_reference(replies), "\n".join(f"{w}: {t}" for w, t in chat.transcript)

    with session_factory(f"sqlite:///{stack.settings.var_dir / 'leads.db'}")() as session:
        [lead] = [lead.to_dict() for lead in leads.of_conversation(session, chat.conversation_id)]
    assert lead["contact"]["name"] == "李伟"
    assert lead["language"] == "zh" and lead["topic"] == "data_breach"
    assert user_texts(stack, chat.conversation_id).count(answer.type) == 1
    assert not failures
