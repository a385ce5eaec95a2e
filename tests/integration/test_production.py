"""The production profile on this machine's real PostgreSQL, Redis and RabbitMQ, each with its
own database / Redis key prefix / RabbitMQ vhost per run (dropped afterwards; the vhost made by
the supervisor through rabbitmqctl, as `make run-production` makes its own): the stack starts with
Rasa's SQL tracker store on PostgreSQL (encrypted), the Redis lock store and the Pika event
broker; a REST conversation behind the bearer token reaches a saved lead while its messages
alternate between two Rasa servers sharing those stores; the event consumer fills its table
from the queue. A service that is down skips these tests here and fails them in CI (LAWBOT_CI).

A run starts two Rasa servers (one action server): about a minute and a half."""

from __future__ import annotations

import dataclasses
import functools
import os
import threading
import time
import uuid
from dataclasses import dataclass, field
from unittest import mock

import pytest
import requests
from cryptography.fernet import Fernet
from sqlalchemy import create_engine, text

from bot import crypto, events
from bot.ops import production as launcher
from bot.ops.supervisor import Server, Stack, StartupError
from bot.settings import load as load_settings
from scripts.simulated_user import Reply, RestChat, SimulatedUser
from tests.support import (
    POSTGRES_ADMIN_URL,
    delete_vhost,
    drop_databases,
    free_port,
    require_postgres,
    require_service,
)

pytestmark = pytest.mark.stack

REDIS = ("127.0.0.1", 6379)
REDIS_DB = 9  # this test's own Redis database (and a key prefix of its own per run)
# The broker without a vhost: each run adds one of its own.
RABBITMQ_URL = os.environ.get("LAWBOT_TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/")
REST_TOKEN = "rest-token-for-the-production-stack-0123456789"


def require_rabbitmqctl() -> None:
    """The vhost per run is made and deleted with rabbitmqctl (as root on the broker's machine)."""
    if not launcher.RABBITMQCTL.exists():
        if os.environ.get("LAWBOT_CI"):
            pytest.fail(f"{launcher.RABBITMQCTL} is needed in CI (a RabbitMQ vhost per run)")
        pytest.skip(f"no {launcher.RABBITMQCTL}: no RabbitMQ vhost per run")


def test_production_refuses_to_start_without_its_settings(tmp_path, model_path):
    settings = dataclasses.replace(
        load_settings(), var_dir=tmp_path, model_path=model_path, profile="production", database_url=""
    )
    settings = dataclasses.replace(
        settings,
        database_url=f"sqlite:///{tmp_path}/leads.db",
        redis_url=None,
        rabbitmq_url=None,
        encryption_keys=(),
        search_key=None,
    )
    with pytest.raises(StartupError) as refused:
        Stack(settings).start(progress=False)
    for name in (
        "LAWBOT_DATABASE_URL",
        "LAWBOT_REDIS_URL",
        "LAWBOT_RABBITMQ_URL",
        "LAWBOT_ENCRYPTION_KEYS",
        "LAWBOT_SEARCH_KEY",
    ):
        assert name in str(refused.value)
    assert not (tmp_path / "log").exists()  # nothing was started


@pytest.fixture(scope="module")
def production(tmp_path_factory, model_path):
    """The production stack (action server, Rasa server, delivery worker, event consumer, web
    app) plus a second Rasa server on the same stores; yields (stack, second Rasa URL, leads
    database URL)."""
    admin = require_postgres()
    require_service("Redis", *REDIS)
    require_service("RabbitMQ", "127.0.0.1", 5672)
    require_rabbitmqctl()
    run = uuid.uuid4().hex[:10]
    database = f"lawbot_prod_{run}"
    with admin.connect() as connection:
        connection.execute(text(f"create database {database}"))
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{database}"
    var_dir = tmp_path_factory.mktemp("var-production")
    env = {
        "LAWBOT_PROFILE": "production",
        "LAWBOT_VAR_DIR": str(var_dir),
        "LAWBOT_DATABASE_URL": url,
        "LAWBOT_REDIS_URL": f"redis://{REDIS[0]}:{REDIS[1]}/{REDIS_DB}",
        "LAWBOT_REDIS_PREFIX": f"lawbot{run}",
        "LAWBOT_RABBITMQ_URL": f"{RABBITMQ_URL.rstrip('/')}/lawbot_prod_{run}",
        "LAWBOT_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "LAWBOT_SEARCH_KEY": f"search-key-{run}-0123456789abcdef",
        "LAWBOT_REST_TOKEN": REST_TOKEN,
    }
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    crypto.reset()
    stack = None
    second = None
    try:
        settings = dataclasses.replace(
            load_settings(),
            model_path=model_path,
            rasa_port=free_port(),
            action_port=free_port(),
            web_port=free_port(),
        )
        stack = Stack(settings)
        stack.start(progress=False)
        first = next(s for s in stack.servers if s.name == "Rasa server")
        port = free_port()
        command = list(first.command)
        command[command.index("--port") + 1] = str(port)
        second = Server(
            "Rasa server 2",
            command,
            f"http://127.0.0.1:{port}/",
            var_dir / "log" / "rasa2.log",
            first.extra_env,
        )
        second.start(stack.env)
        second.wait_ready(240, progress=False)
        yield stack, f"http://127.0.0.1:{port}", url
    finally:
        if second:
            second.stop()
        if stack:
            stack.stop()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        crypto.reset()
        create_engine(url).dispose()
        try:
            drop_databases([database])
        finally:
            cleanup(env)


def cleanup(env: dict[str, str]) -> None:
    """This run's Redis keys, and its RabbitMQ vhost with its queue and exchange."""
    import redis

    client = redis.Redis(host=REDIS[0], port=REDIS[1], db=REDIS_DB)
    for key in client.scan_iter(f"*{env['LAWBOT_REDIS_PREFIX']}*"):
        client.delete(key)
    delete_vhost(launcher.rabbitmq_vhost(env["LAWBOT_RABBITMQ_URL"]))


@dataclass
class AlternatingChat(RestChat):
    """A REST conversation whose consecutive messages go to the next Rasa server in turn, with
    the bearer token (as a load balancer without stickiness would spread them)."""

    urls: tuple[str, ...] = ()
    served_by: list[str] = field(default_factory=list)

    def say(self, message: str) -> list[Reply]:
        self.rasa_url = self.urls[len(self.served_by) % len(self.urls)]
        self.served_by.append(self.rasa_url)
        post = functools.partial(requests.post, headers={"Authorization": f"Bearer {REST_TOKEN}"})
        with mock.patch.object(requests, "post", post):
            return super().say(message)


def test_an_intake_alternating_between_two_rasa_servers_completes_once_encrypted_and_counted(production):
    stack, second_url, url = production
    endpoints = (stack.settings.var_dir / "endpoints.yml").read_text(encoding="utf-8")
    assert (
        "AtomicRedisLockStore" in endpoints
        and "NamesOnlyPikaEventBroker" in endpoints
        and "postgresql" in endpoints
    )
    assert "guest:guest" not in endpoints  # passwords only as ${...}, from the environment
    assert ":5672/lawbot_prod_" in endpoints  # the run's own vhost, made by the supervisor

    # Without the bearer token, the REST channel does not answer.
    refused = requests.post(
        f"{stack.rasa_url}/webhooks/rest/webhook", json={"sender": "x", "message": "你好"}, timeout=30
    )
    assert refused.status_code in (401, 403)

    chat = AlternatingChat(stack.rasa_url, urls=(stack.rasa_url, second_url))
    turns, reference = SimulatedUser(chat, "data_breach", "zh").complete_intake()
    assert reference, "no lead saved:\n" + "\n".join(f"{who}: {said}" for who, said in chat.transcript)
    assert set(chat.served_by) == {stack.rasa_url, second_url} and turns >= 4

    # Every turn once, in order, in the shared tracker store (as either instance reads it).
    typed = [said for who, said in chat.transcript if who == "user"]
    for rasa_url in (stack.rasa_url, second_url):
        tracker = requests.get(
            f"{rasa_url}/conversations/{chat.conversation_id}/tracker",
            params={"token": stack.api_token},
            timeout=30,
        ).json()
        assert [e["text"] for e in tracker["events"] if e["event"] == "user"] == typed

    engine = create_engine(url, future=True)
    try:
        with engine.connect() as connection:
            saved = connection.execute(
                text("select count(*) from leads where conversation_id = :c"), {"c": chat.conversation_id}
            ).scalar()
            data = [
                row[0]
                for row in connection.execute(
                    text("select data from events where sender_id = :c"), {"c": chat.conversation_id}
                )
            ]
        assert saved == 1
        # The tracker events in PostgreSQL are encrypted: no typed text, every row a token.
        assert data and all(crypto.is_token(d) for d in data)
        assert not [said for said in typed if not said.startswith("/") and any(said in d for d in data)]

        # The consumer has the conversation from the queue: every user message counted.
        deadline = time.monotonic() + 30
        while True:
            from sqlalchemy.orm import Session

            with Session(engine) as session:
                row = events.activity(session, chat.conversation_id)
            if row and row["user_messages"] == len(typed) or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert row is not None and row["user_messages"] == len(typed), row
        assert row["channel"] == "rest" and row["bot_messages"] >= len(typed)
        with engine.connect() as connection:
            stored = " ".join(map(str, connection.execute(text("select * from conversation_activity")).all()))
        assert not [said for said in typed if len(said) > 3 and not said.startswith("/") and said in stored]
    finally:
        engine.dispose()


def test_two_messages_at_once_on_two_rasa_servers_are_handled_one_after_the_other(production):
    """Redis's lock: the second message waits for the first turn to end (on the other server),
    then reads the tracker with it. Without a shared lock both turns start from the same
    tracker and one of them is lost when they are saved."""
    from concurrent.futures import ThreadPoolExecutor

    stack, second_url, _ = production
    sender = f"both-{uuid.uuid4().hex[:8]}"
    messages = {stack.rasa_url: "我们的网站要做ICP备案吗", second_url: "App收集用户手机号需要注意什么"}

    together = threading.Barrier(2)

    def send(rasa_url: str) -> list:
        together.wait()  # both requests leave at the same moment
        response = requests.post(
            f"{rasa_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": messages[rasa_url]},
            headers={"Authorization": f"Bearer {REST_TOKEN}"},
            timeout=60,
        )
        response.raise_for_status()
        return response.json()

    rounds = 8  # of two messages at once (a race lost once in a few rounds without the fix)
    for _ in range(rounds):
        with ThreadPoolExecutor(2) as pool:
            answers = list(pool.map(send, messages))
        assert all(answers), answers
    tracker = requests.get(
        f"{stack.rasa_url}/conversations/rest:{sender}/tracker", params={"token": stack.api_token}, timeout=30
    ).json()
    kinds = [(e["event"], e.get("name") or e.get("text")) for e in tracker["events"]]
    users = [i for i, (kind, _) in enumerate(kinds) if kind == "user"]
    assert len(users) == 2 * rounds, kinds
    # Every turn ended (the bot answered and listened again) before the next message was read.
    for start, end in zip(users, users[1:] + [len(kinds)], strict=True):
        turn = kinds[start:end]
        assert ("action", "action_listen") in turn and any(kind == "bot" for kind, _ in turn), turn


def test_the_lock_store_issues_each_ticket_once_to_servers_asking_at_the_same_moment():
    """Twenty lock stores (as twenty Rasa servers would hold) ask for a ticket of one
    conversation at once: twenty different tickets, and the lock is gone once all are served."""
    from concurrent.futures import ThreadPoolExecutor

    from rasa.utils.endpoints import EndpointConfig

    from bot.rasa.lock_store import AtomicRedisLockStore

    require_service("Redis", *REDIS)
    prefix = f"lawboticket{uuid.uuid4().hex[:8]}"
    config = EndpointConfig(url=REDIS[0], port=REDIS[1], db=REDIS_DB, key_prefix=prefix)
    stores = [AtomicRedisLockStore(config) for _ in range(20)]
    together = threading.Barrier(len(stores))

    def ticket(store: AtomicRedisLockStore) -> int:
        together.wait()
        return store.issue_ticket("rest:race")

    with ThreadPoolExecutor(len(stores)) as pool:
        tickets = list(pool.map(ticket, stores))
    assert sorted(tickets) == list(range(len(stores)))
    for store, number in zip(stores, tickets, strict=True):
        store.cleanup("rest:race", number)
    assert stores[0].get_lock("rest:race") is None
