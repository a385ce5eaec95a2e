"""Faults on the production profile (issue 10), with this machine's real PostgreSQL, Redis and
RabbitMQ (a database, a Redis key prefix and a RabbitMQ vhost of the run's own) and two
instances (Rasa server and action server 1 and 2) under the supervisor's watch, as `make run`
has them. Simulated users talk over REST with the bearer token, and each fault strikes in the
middle of an intake: a Rasa server killed, an action server killed, PostgreSQL stopped, Redis
shut down, RabbitMQ's application stopped, a firm's webhook refusing and then failing. After
each: the intake completes, its lead is stored exactly once, the tracker (read through the
store, decrypted) has every user turn exactly once (a message answered with the apology is not
a turn: the user sends it again), and the event consumer counted every turn once.

The services are started again whatever happens (`finally`), and checked at the end of the
module. Skipped when a service is down or cannot be controlled here, a failure in CI
(LAWBOT_CI). One stack for the module: three and a half minutes on two busy cores."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from sqlalchemy import text
from sqlalchemy.orm import Session

from bot import db, events, leads
from bot.delivery import outbox
from bot.rasa.serve import apology
from scripts.simulated_user import Move, Reply, SimulatedUser, saved_reference
from tests.fakes.firm_webhook import SECRET, Receiver
from tests.support import add_firm, require_service
from tests.support.production import (
    REDIS,
    BalancedChat,
    ProductionRun,
    production_stack,
    rabbitmqctl,
    wait_until_restarted,
    watched,
)

pytestmark = pytest.mark.stack

REST_TOKEN = "rest-token-for-the-fault-tests-0123456789"
FIRM = "Harbin Fault Tolerant Counsel"
APOLOGIES = {apology("zh"), apology("en")}  # both languages come as two paragraphs
TIMINGS: dict[str, float] = {}  # seconds per scenario, printed at the end (pytest -s)
NUMBERS: dict[str, str] = {}  # turns and leads per scenario, printed with them

PG_VERSIONS = (
    sorted(p.name for p in Path("/etc/postgresql").iterdir()) if Path("/etc/postgresql").is_dir() else []
)
PG_CLUSTER = ["pg_ctlcluster", "--skip-systemctl-redirect", PG_VERSIONS[-1], "main"] if PG_VERSIONS else []
REDIS_SERVER = [
    "redis-server",
    "--daemonize",
    "yes",
    "--bind",
    "127.0.0.1",
    "-::1",
    "--port",
    str(REDIS[1]),
    "--save",
    "",
    "--appendonly",
    "no",
    "--dir",
    "/var/lib/redis",
    "--logfile",
    "/var/log/redis/ci.log",
]


def require_control() -> None:
    """The services can be stopped and started from here (root, the tools installed)."""
    missing = [
        tool
        for tool, present in (
            ("root", os.geteuid() == 0),
            ("pg_ctlcluster", bool(PG_CLUSTER) and bool(shutil.which("pg_ctlcluster"))),
            ("redis-server", bool(shutil.which("redis-server") and shutil.which("redis-cli"))),
            ("rabbitmqctl", rabbitmq_ctl_works()),
        )
        if not present
    ]
    if missing:
        if os.environ.get("LAWBOT_CI"):
            pytest.fail(f"the fault tests must be able to control the services in CI: no {missing}")
        pytest.skip(f"cannot control the services here: no {missing}")


def rabbitmq_ctl_works() -> bool:
    try:
        return rabbitmqctl("status", timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def answers(host: str, port: int) -> bool:
    try:
        socket.create_connection((host, port), timeout=1).close()
    except OSError:
        return False
    return True


def wait_for(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not within {timeout:.0f} s")
        time.sleep(0.2)


# The services, stopped for a while and always running again afterwards.


def ensure_postgres() -> None:
    if subprocess.run([*PG_CLUSTER, "status"], capture_output=True).returncode != 0:
        subprocess.run([*PG_CLUSTER, "start"], capture_output=True, timeout=120)
    wait_for(lambda: answers("127.0.0.1", 5432), 60, "PostgreSQL running again")


def ensure_redis() -> None:
    if subprocess.run(["redis-cli", "-p", str(REDIS[1]), "ping"], capture_output=True).returncode != 0:
        subprocess.run(REDIS_SERVER, capture_output=True, timeout=60)
    wait_for(
        lambda: (
            subprocess.run(["redis-cli", "-p", str(REDIS[1]), "ping"], capture_output=True).stdout.strip()
            == b"PONG"
        ),
        60,
        "Redis running again",
    )


def ensure_rabbitmq() -> None:
    rabbitmqctl("start_app", timeout=120)  # nothing to do when it runs
    wait_for(lambda: answers("127.0.0.1", 5672), 60, "RabbitMQ running again")


@contextmanager
def postgres_stopped() -> Iterator[None]:
    subprocess.run([*PG_CLUSTER, "stop"], check=True, capture_output=True, timeout=120)
    try:
        yield
    finally:
        ensure_postgres()


@contextmanager
def redis_shut_down() -> Iterator[None]:
    subprocess.run(["redis-cli", "-p", str(REDIS[1]), "shutdown", "nosave"], capture_output=True, timeout=30)
    try:
        wait_for(lambda: not answers(*REDIS), 30, "Redis down")
        yield
    finally:
        ensure_redis()


@contextmanager
def rabbitmq_stopped() -> Iterator[None]:
    rabbitmqctl("stop_app", timeout=120)
    try:
        wait_for(lambda: not answers("127.0.0.1", 5672), 30, "RabbitMQ's listener closed")
        yield
    finally:
        ensure_rabbitmq()


@pytest.fixture(scope="module")
def receiver():
    """The firm's webhook endpoint (a real HTTP server checking the signature)."""
    running = Receiver().start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def faults(tmp_path_factory, model_path, receiver) -> Iterator[ProductionRun]:
    """The production stack, two instances, under the supervisor's watch, with a breach firm
    on `receiver`; the services are checked to be running at the end, whatever happened."""
    require_service("Redis", *REDIS)
    require_service("RabbitMQ", "127.0.0.1", 5672)
    require_control()
    started = time.monotonic()
    fast_delivery = {
        "LAWBOT_DELIVERY_POLL": "0.5",
        "LAWBOT_DELIVERY_BACKOFF": "1",
        "LAWBOT_DELIVERY_BACKOFF_MAX": "2",
        "LAWBOT_DELIVERY_MAX_ATTEMPTS": "30",
    }
    try:
        with production_stack(
            tmp_path_factory.mktemp("var-faults"), model_path, REST_TOKEN, fast_delivery
        ) as run:
            TIMINGS["stack start"] = time.monotonic() - started
            with db.session_scope(run.database_url) as session:
                add_firm(
                    session,
                    FIRM,
                    handles_urgent=True,
                    weekly_capacity=50,
                    webhook_url=receiver.url,
                    webhook_secret=SECRET,
                )
            with watched(run.stack) as failures:
                run.failures = failures  # type: ignore[attr-defined]
                yield run
    finally:
        ensure_postgres()
        ensure_redis()
        ensure_rabbitmq()
        print("\nfault test timings (s): " + ", ".join(f"{k} {v:.1f}" for k, v in TIMINGS.items()))
        print("fault test outcomes: " + "; ".join(f"{k}: {v}" for k, v in NUMBERS.items()))


# A conversation, and what must hold after it.


def is_apology(replies: list[Reply]) -> bool:
    return bool(replies) and {r.text for r in replies} <= APOLOGIES


def move(user: SimulatedUser, replies: list[Reply]) -> Move:
    return user.next_move([r.text for r in replies], [b["title"] for r in replies for b in r.buttons])


def begin(user: SimulatedUser, moves: int) -> list[Reply]:
    """The first message and `moves` more, none of them ending the intake."""
    replies = user.chat.say(user.first_message)
    for _ in range(moves):
        assert not saved_reference(replies) and not is_apology(replies), transcript(user.chat)
        replies = user._play(move(user, replies), replies)
    return replies


def finish(user: SimulatedUser, replies: list[Reply], until: Callable[[list[Reply]], bool] | None = None):
    """The user's moves until the lead is saved (or `until`); no apology on the way."""
    for _ in range(20):
        if saved_reference(replies) or (until and until(replies)):
            return replies
        assert not is_apology(replies), transcript(user.chat)
        replies = user._play(move(user, replies), replies)
    raise AssertionError("the intake did not end:\n" + transcript(user.chat))


def transcript(chat) -> str:
    return "\n".join(f"{who}: {said}" for who, said in chat.transcript)


def kept_turns(chat) -> list[str]:
    """The user's messages that were turns: all but those answered only with the apology."""
    turns: list[tuple[str, list[str]]] = []
    for who, said in chat.transcript:
        if who == "user":
            turns.append((said, []))
        else:
            turns[-1][1].append(said)
    return [said for said, replies in turns if not (replies and set(replies) <= APOLOGIES)]


def stored_turns(run: ProductionRun, conversation_id: str) -> list[str]:
    """The user messages of the conversation's tracker, as a Rasa server reads it from the store."""
    for url in run.rasa_urls:
        try:
            response = requests.get(
                f"{url}/conversations/{conversation_id}/tracker",
                params={"token": run.stack.api_token},
                timeout=30,
            )
        except requests.ConnectionError:
            continue
        response.raise_for_status()
        return [e["text"] for e in response.json()["events"] if e["event"] == "user"]
    raise AssertionError("no Rasa server answers")


def lead_count(run: ProductionRun, conversation_id: str) -> int:
    with db.session_scope(run.database_url) as session:
        return int(
            session.execute(
                text("select count(*) from leads where conversation_id = :c"), {"c": conversation_id}
            ).scalar_one()
        )


def counted(run: ProductionRun, conversation_id: str, expected: int, timeout: float = 60) -> int:
    """The consumer's count of the conversation's user messages, once it reaches `expected`
    (or what it is after `timeout`)."""
    deadline = time.monotonic() + timeout
    while True:
        with Session(db.engine(run.database_url)) as session:
            row = events.activity(session, conversation_id)
        found = row["user_messages"] if row else 0
        if found == expected or time.monotonic() > deadline:
            return int(found)
        time.sleep(0.5)


def assert_once(run: ProductionRun, chat, scenario: str) -> None:
    """One lead; every turn once in the tracker and in the consumer's count."""
    kept = kept_turns(chat)
    assert stored_turns(run, chat.conversation_id) == kept, transcript(chat)
    assert lead_count(run, chat.conversation_id) == 1
    assert counted(run, chat.conversation_id, len(kept)) == len(kept)
    NUMBERS[scenario] = f"{len(kept)} turns, {len(chat.typed) - len(kept)} sent again, 1 lead"


@contextmanager
def timed(scenario: str) -> Iterator[None]:
    started = time.monotonic()
    try:
        yield
    finally:
        TIMINGS[scenario] = time.monotonic() - started


def chat_on(run: ProductionRun, *urls: str, audit: bool = True) -> BalancedChat:
    urls = urls or run.rasa_urls
    return BalancedChat(urls[0], urls=urls, token=REST_TOKEN, audit=audit)


# The scenarios, in this order (the module's one stack goes through all of them).


def test_a_rasa_server_killed_mid_conversation_the_other_one_carries_it_on(faults):
    run = faults
    first, second = run.rasa_urls
    with timed("a. Rasa server killed"):
        chat = chat_on(run)
        user = SimulatedUser(chat, "data_breach", "zh")
        replies = begin(user, 3)
        assert set(chat.served_by) == {first, second}

        server = run.server("Rasa server 2")
        killed = server.process
        os.kill(killed.pid, signal.SIGKILL)
        killed.wait(10)
        before = len(chat.served_by)
        finish(user, replies)
        assert set(chat.served_by[before:]) == {first}, "the next messages went to the other server"
        assert_once(run, chat, "a. Rasa server killed")

        # The supervisor brings the killed server back, and the conversation goes on there.
        TIMINGS["a. Rasa server 2 back after"] = wait_until_restarted(server, killed)
        chat.urls = (second,)
        replies = chat.say("不发送，只保留在平台")
        assert replies and not is_apology(replies) and chat.served_by[-1] == second
        assert stored_turns(run, chat.conversation_id) == kept_turns(chat)
    assert not run.failures


def test_an_action_server_killed_mid_form_apologizes_once_and_the_repeat_goes_on(faults):
    run = faults
    first = run.rasa_urls[0]
    with timed("b. action server killed"):
        chat = chat_on(run, first)  # sticky: instance 1's Rasa server calls action server 1
        user = SimulatedUser(chat, "data_breach", "en")
        replies = begin(user, 0)
        replies = finish(
            user, replies, until=lambda r: bool(re.search("your name", r[-1].text)) and not r[-1].buttons
        )
        answer = move(user, replies)
        assert answer.type and answer.type.startswith("Anna Petrova")
        before = stored_turns(run, chat.conversation_id)

        action_server = run.server("action server 1")
        killed = action_server.process
        os.kill(killed.pid, signal.SIGKILL)
        killed.wait(10)
        apologized = chat.say(answer.type)
        assert [r.text for r in apologized] == [apology("en")], "only the apology, in the user's language"
        assert stored_turns(run, chat.conversation_id) == before, "the failed turn left nothing"

        TIMINGS["b. action server 1 back after"] = wait_until_restarted(action_server, killed)
        replies = user._play(answer, replies)  # the user sends the same answer again
        assert not is_apology(replies) and not re.search("your name", replies[-1].text)
        finish(user, replies)
        assert_once(run, chat, "b. action server killed")
        assert stored_turns(run, chat.conversation_id).count(answer.type) == 1
    with db.session_scope(run.database_url) as session:
        [lead] = leads.of_conversation(session, chat.conversation_id)
        assert lead.to_dict()["contact"]["name"] == "Anna Petrova"
    log = (run.stack.settings.var_dir / "log" / "supervisor.log").read_text(encoding="utf-8")
    assert "action server 1 exited with code -9" in log
    assert not run.failures


def test_postgresql_stopped_mid_conversation_gets_an_apology_then_the_conversation_goes_on(faults):
    run = faults
    with timed("c. PostgreSQL stopped"):
        # Both languages may come (the conversation's language is in the database): no audit.
        chat = chat_on(run, audit=False)
        user = SimulatedUser(chat, "data_breach", "zh")
        replies = begin(user, 2)
        nxt = move(user, replies)
        with postgres_stopped():
            started = time.monotonic()
            during = user._play(nxt, replies)
            TIMINGS["c. answer while down"] = time.monotonic() - started
            assert during, "a message while the database is down gets an answer"
        if is_apology(during):
            during = user._play(nxt, replies)  # the user sends it again
        # Every pooled connection of both Rasa servers, the actions and the consumer is stale
        # now: the rest of the intake alternates over both servers without an apology.
        finish(user, during)
        assert_once(run, chat, "c. PostgreSQL stopped")
    assert not run.failures


def test_redis_shut_down_mid_conversation_gets_an_apology_at_once_then_the_conversation_goes_on(faults):
    run = faults
    with timed("d. Redis shut down"):
        chat = chat_on(run)
        user = SimulatedUser(chat, "data_breach", "zh")
        replies = begin(user, 2)
        nxt = move(user, replies)
        with redis_shut_down():
            for _ in run.rasa_urls:  # each server answers at once, with the apology
                started = time.monotonic()
                during = user._play(nxt, replies)
                elapsed = time.monotonic() - started
                assert [r.text for r in during] == [apology("zh")] and elapsed < 15, (during, elapsed)
            TIMINGS["d. answer while down"] = elapsed
        replies = user._play(nxt, replies)  # the user sends it again
        finish(user, replies)
        assert_once(run, chat, "d. Redis shut down")
    assert not run.failures


def test_rabbitmq_stopped_mid_conversation_loses_no_turn_and_no_count(faults):
    run = faults
    with timed("e. RabbitMQ stopped"):
        chat = chat_on(run)
        user = SimulatedUser(chat, "data_breach", "zh")
        replies = begin(user, 1)
        assert counted(run, chat.conversation_id, 2) == 2
        with rabbitmq_stopped():
            slowest = 0.0
            for _ in range(2):  # the conversation goes on while the broker is away
                started = time.monotonic()
                replies = user._play(move(user, replies), replies)
                slowest = max(slowest, time.monotonic() - started)
                assert replies and not is_apology(replies) and not saved_reference(replies)
            TIMINGS["e. slowest answer while down"] = slowest
            # Their events are held by each Rasa server's broker, not on the queue.
            assert counted(run, chat.conversation_id, 4, timeout=0) == 2
        finish(user, replies)
        # The events published meanwhile were kept by Rasa's broker and sent once it was back.
        assert_once(run, chat, "e. RabbitMQ stopped")
    assert not run.failures


def test_a_firm_webhook_down_then_failing_gets_the_lead_exactly_once_when_it_is_back(faults, receiver):
    run = faults
    with timed("f. firm webhook down"):
        assert receiver.requests == []
        receiver.stop()  # refused at the firm's address
        chat = chat_on(run)
        user = SimulatedUser(chat, "data_breach", "zh")
        finish(user, begin(user, 0))
        assert FIRM in transcript(chat)
        replies = chat.say("同意发送")
        assert "已安排发送" in replies[0].text
        with db.session_scope(run.database_url) as session:
            [lead] = leads.of_conversation(session, chat.conversation_id)
            lead_id = lead.id

        def delivery() -> outbox.Delivery:
            with db.session_scope(run.database_url) as session:
                [row] = outbox.listing(session, lead_id=lead_id)
                return row

        def waiting(after: int, error: str) -> bool:
            row = delivery()
            return row.status == "pending" and row.attempts >= after and error in (row.last_error or "")

        wait_for(lambda: waiting(2, "ConnectionError"), 30, "two refused tries")
        refused = delivery().attempts  # tries that never reached the firm
        receiver.status = 500  # up, but failing
        receiver.start()
        wait_for(
            lambda: len(receiver.requests) >= 2 and waiting(refused + 2, "HTTP 500"), 30, "two failed tries"
        )
        receiver.status = 200
        wait_for(lambda: delivery().status == "delivered", 30, "the delivery")
        sent = len(receiver.requests)
        time.sleep(2)  # four more polls of the worker: nothing more goes out
        assert len(receiver.requests) == sent
        # Each try one request, all of the same delivery; the last one taken (200), the
        # others refused or answered 500: delivered exactly once.
        assert delivery().attempts == refused + sent
        assert {r["headers"]["Idempotency-Key"] for r in receiver.requests} == {delivery().idempotency_key}
        assert all(r["verified"] and json.loads(r["body"])["id"] == lead_id for r in receiver.requests)
        assert lead_count(run, chat.conversation_id) == 1
        NUMBERS["f. firm webhook down"] = (
            f"1 lead, {refused} tries refused, {sent - 1} answered 500, 1 delivered ({delivery().attempts} in all)"
        )
    assert not run.failures


def test_afterwards_every_component_runs_and_only_the_killed_ones_were_restarted(faults):
    run = faults
    log = Path(run.stack.settings.var_dir / "log" / "supervisor.log").read_text(encoding="utf-8")
    exited = sorted(set(re.findall(r"\] (.+?) exited with code", log)))
    assert exited == ["Rasa server 2", "action server 1"], log
    for server in run.stack.servers:
        assert server.process is not None and server.process.poll() is None, server.name
        assert server.is_ready(), server.name
    assert answers("127.0.0.1", 5432) and answers(*REDIS) and answers("127.0.0.1", 5672)
    assert not run.failures
