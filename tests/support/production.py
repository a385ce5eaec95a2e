"""The production profile on this machine's real PostgreSQL, Redis and RabbitMQ, for the stack
tests: a run of its own in each service (a database, a Redis key prefix, a RabbitMQ vhost where
`rabbitmqctl` can make one, else a queue of its own), the stack with two instances (Rasa
server and action server 1 and 2) on the same stores, the supervisor's watch in the background, and a REST conversation spread over the
Rasa servers as a load balancer would. A service that is down skips the test here and fails it
in CI (LAWBOT_CI)."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import shutil
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock

import requests
from cryptography.fernet import Fernet
from sqlalchemy import text

from bot import crypto
from bot.ops.supervisor import Server, Stack
from bot.settings import load as load_settings
from scripts.bench_stacks import free_ports
from scripts.simulated_user import Reply, RestChat
from tests.support import POSTGRES_ADMIN_URL, free_port, require_postgres, require_service

REDIS = ("127.0.0.1", 6379)
REDIS_DB = 9  # the production tests' own Redis database (and a key prefix of their own per run)
RABBITMQ_URL = os.environ.get("LAWBOT_TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/")
RABBITMQCTL = shutil.which("rabbitmqctl") or "/usr/sbin/rabbitmqctl"


def rabbitmqctl(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([RABBITMQCTL, *args], capture_output=True, text=True, timeout=timeout)


@contextmanager
def own_vhost(name: str) -> Iterator[str]:
    """The AMQP URL of a RabbitMQ vhost made for this run (deleted afterwards); the shared
    RABBITMQ_URL when the vhost cannot be made here (no rabbitmqctl, not allowed)."""
    try:
        made = rabbitmqctl("add_vhost", name).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        made = False
    if made:
        made = rabbitmqctl("set_permissions", "-p", name, "guest", ".*", ".*", ".*").returncode == 0
    try:
        yield RABBITMQ_URL.rstrip("/") + f"/{name}" if made else RABBITMQ_URL
    finally:
        if made:
            rabbitmqctl("delete_vhost", name)


@dataclass
class ProductionRun:
    """A production stack started for a test module: two instances (Rasa server and action
    server 1 and 2) on the same stores, the delivery worker, the event consumer, the web app."""

    stack: Stack
    database_url: str
    env: dict[str, str]

    @property
    def rasa_urls(self) -> tuple[str, ...]:
        return tuple(self.stack.rasa_urls)

    def server(self, name: str) -> Server:
        return next(s for s in self.stack.servers if s.name == name)


@contextmanager
def production_stack(
    var_dir: Path, model_path: Path, rest_token: str, extra_env: dict[str, str] | None = None
) -> Iterator[ProductionRun]:
    """The production stack with two instances (LAWBOT_INSTANCES=2) on a database, Redis key
    prefix and RabbitMQ vhost of its own; this process's environment has the run's settings
    (its keys, its database) until the block ends. Everything the run made in the services is
    dropped afterwards."""
    admin = require_postgres()
    require_service("Redis", *REDIS)
    require_service("RabbitMQ", "127.0.0.1", 5672)
    run = uuid.uuid4().hex[:10]
    database = f"lawbot_prod_{run}"
    with admin.connect() as connection:
        connection.execute(text(f"create database {database}"))
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{database}"
    saved: dict[str, str | None] = {}
    try:
        with own_vhost(f"lawbot_{run}") as amqp_url:
            env = {
                "LAWBOT_PROFILE": "production",
                "LAWBOT_INSTANCES": "2",
                "LAWBOT_VAR_DIR": str(var_dir),
                "LAWBOT_DATABASE_URL": url,
                "LAWBOT_REDIS_URL": f"redis://{REDIS[0]}:{REDIS[1]}/{REDIS_DB}",
                "LAWBOT_REDIS_PREFIX": f"lawbot{run}",
                "LAWBOT_RABBITMQ_URL": amqp_url,
                "LAWBOT_RABBITMQ_QUEUE": f"lawbot_events_{run}",
                "LAWBOT_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
                "LAWBOT_SEARCH_KEY": f"search-key-{run}-0123456789abcdef",
                "LAWBOT_REST_TOKEN": rest_token,
                **(extra_env or {}),
            }
            saved = {name: os.environ.get(name) for name in env}
            os.environ.update(env)
            crypto.reset()
            settings = dataclasses.replace(
                load_settings(),
                model_path=model_path,
                rasa_port=free_ports(2),
                action_port=free_ports(2),
                web_port=free_port(),
            )
            stack = Stack(settings)
            try:
                stack.start(progress=False)
                yield ProductionRun(stack, url, env)
            finally:
                stack.stop()
                _drop_queue(env)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        crypto.reset()
        admin.dispose()  # its pooled connections did not survive a PostgreSQL restart
        with admin.connect() as connection:
            connection.execute(text(f"drop database if exists {database} with (force)"))
        _drop_redis_keys(f"lawbot{run}")


def _drop_redis_keys(prefix: str) -> None:
    import redis

    try:
        client = redis.Redis(host=REDIS[0], port=REDIS[1], db=REDIS_DB)
        for key in client.scan_iter(f"{prefix}*"):
            client.delete(key)
    except redis.RedisError:
        pass  # Redis down at the end of a failed fault test: its keys were not saved anyway


def _drop_queue(env: dict[str, str]) -> None:
    """The run's queue and exchange (gone with the vhost where the run had one)."""
    import aio_pika

    if env["LAWBOT_RABBITMQ_URL"] != RABBITMQ_URL:
        return

    async def drop() -> None:
        connection = await aio_pika.connect(RABBITMQ_URL)
        async with connection:
            channel = await connection.channel()
            await channel.queue_delete(env["LAWBOT_RABBITMQ_QUEUE"])
            await channel.exchange_delete(f"{env['LAWBOT_RABBITMQ_QUEUE']}.exchange")

    with contextlib.suppress(Exception):  # RabbitMQ down at the end of a failed fault test
        asyncio.run(drop())


@contextmanager
def watched(stack: Stack, interval: float = 0.2) -> Iterator[list[BaseException]]:
    """The supervisor's watch over the stack (as `make run` has it) in a thread while the block
    runs: a child that exits is restarted. Yields the list of what the watch raised (GaveUp)."""
    stop = threading.Event()
    failures: list[BaseException] = []

    def watch() -> None:
        try:
            stack.watch(stop.is_set, interval=interval)
        except BaseException as error:  # noqa: BLE001 - reported by the tests
            failures.append(error)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    try:
        yield failures
    finally:
        stop.set()
        thread.join(timeout=60)


def wait_until_restarted(server: Server, killed: object, timeout: float = 180) -> float:
    """Seconds until the supervisor has `server` running again (a new process) and answering."""
    started = time.monotonic()
    while not (server.process is not killed and server.is_ready()):
        if time.monotonic() - started > timeout:
            raise AssertionError(f"{server.name} was not restarted within {timeout:.0f} s")
        time.sleep(0.3)
    return time.monotonic() - started


def _refused(error: requests.ConnectionError) -> bool:
    """The connection was refused (nothing listens): the request never reached a server."""
    import urllib3

    reason = getattr(error.args[0], "reason", None) if error.args else None
    return isinstance(reason, urllib3.exceptions.NewConnectionError)


@dataclass
class BalancedChat(RestChat):
    """A REST conversation spread over the Rasa servers as a load balancer without stickiness
    would: each message to the next server in turn, with the bearer token; a server that refuses
    the connection (down) is passed over for the next one, as a balancer retries a request that
    never reached its upstream. A connection lost after the request was sent is not retried."""

    urls: tuple[str, ...] = ()
    token: str = field(default="", repr=False)
    served_by: list[str] = field(default_factory=list)

    def say(self, message: str) -> list[Reply]:
        post = requests.post
        sent = len(self.served_by)

        def balanced(url: str, **kwargs: Any) -> requests.Response:
            path = url.removeprefix(self.rasa_url)
            kwargs["headers"] = {**(kwargs.get("headers") or {}), "Authorization": f"Bearer {self.token}"}
            error: requests.ConnectionError | None = None
            for step in range(len(self.urls)):
                base = self.urls[(sent + step) % len(self.urls)]
                try:
                    response = post(base + path, **kwargs)
                except requests.ConnectionError as refused:
                    if not _refused(refused):
                        raise
                    error = refused
                    continue
                self.served_by.append(base)
                return response
            assert error is not None
            raise error

        with mock.patch.object(requests, "post", balanced):
            return super().say(message)

    @property
    def typed(self) -> list[str]:
        return [said for who, said in self.transcript if who == "user"]
