"""The assistant's servers as the benchmarks start them (benchmarks/load.py, benchmarks/vs_stock.py):
on free ports, in a var/ directory of their own, with their own keys, and stopped afterwards.

- `embedded()`: the embedded profile (SQLite leads database and tracker store), one Rasa server.
- `production(instances)`: the production profile on this machine's PostgreSQL (a database per
  run), Redis (database 10, a key prefix per run) and RabbitMQ (a queue per run), like
  tests/integration/test_production.py: one Stack (action server, Rasa server, delivery worker,
  event consumer, web app) plus `instances - 1` more Rasa servers on the same stores; all of it
  dropped afterwards.

Both lift the two limits a benchmark would otherwise measure instead of the message path:
messages per conversation per minute (a sequential intake sends ~10 in a few seconds) and leads
per contact per day (the same personas play again and again). Everything else is as shipped."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import socket
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.ops.ports import free_port
from bot.settings import load as load_settings

POSTGRES_ADMIN_URL = os.environ.get(
    "LAWBOT_BENCH_POSTGRES_URL",
    os.environ.get("LAWBOT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
)
REDIS = ("127.0.0.1", 6379)
REDIS_DB = 10  # the benchmarks' own Redis database (tests use 9), a key prefix per run
RABBITMQ_URL = os.environ.get("LAWBOT_BENCH_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/")

# The limits lifted for a benchmark (see the module's docstring); a high number, not 0, so the
# per-conversation check still runs on every message as in production.
BENCH_ENV = {
    "LAWBOT_MESSAGES_PER_MINUTE": "1000000",
    "LAWBOT_LEADS_PER_CONTACT_PER_DAY": "0",
    "RASA_TELEMETRY_ENABLED": "false",
    "TF_CPP_MIN_LOG_LEVEL": "3",
}


def free_ports(count: int) -> int:
    """The first of `count` consecutive free ports (the production profile's instances use
    consecutive ports from RASA_PORT and from ACTION_PORT)."""
    for _ in range(100):
        base = free_port()
        if base + count > 65535:
            continue
        try:
            with contextlib.ExitStack() as held:
                for port in range(base, base + count):
                    s = held.enter_context(socket.socket())
                    s.bind(("127.0.0.1", port))
        except OSError:
            continue
        return base
    raise RuntimeError(f"no {count} consecutive free ports")


@dataclass
class Running:
    """What a benchmark needs of a started stack: where to send messages (one URL per Rasa
    server), the REST token if any, and where to read leads and transcripts back."""

    urls: list[str]
    database_url: str
    tracker_store_url: str
    rest_token: str | None = field(default=None, repr=False)
    profile: str = "embedded"
    var_dir: Path | None = None


@contextlib.contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    """Sets variables for the stack's start (its children keep their copy) and for this process
    while the benchmark reads the databases back (the same keys); restored afterwards."""
    from bot import crypto

    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    crypto.reset()
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        crypto.reset()


def _keys() -> dict[str, str]:
    """This run's encryption and search keys, unless the environment has them."""
    from cryptography.fernet import Fernet

    return {
        "LAWBOT_ENCRYPTION_KEYS": os.environ.get("LAWBOT_ENCRYPTION_KEYS") or Fernet.generate_key().decode(),
        "LAWBOT_SEARCH_KEY": os.environ.get("LAWBOT_SEARCH_KEY") or Fernet.generate_key().decode(),
    }


def _start(stack: Any, quiet: bool) -> None:
    """Stack.start, which makes the process's umask 0077 for its children's files under var/;
    this process's own files (the benchmarks' results) keep the umask they had."""
    umask = os.umask(0o077)
    try:
        stack.start(progress=not quiet)
    finally:
        os.umask(umask)


def _say(message: str, quiet: bool) -> None:
    if not quiet:
        print(message, flush=True)


@contextlib.contextmanager
def embedded(quiet: bool = False, model_path: Path | None = None) -> Iterator[Running]:
    """The embedded profile on free ports in a temporary var/ directory."""
    from bot.db import upgrade
    from bot.ops.supervisor import Stack

    with (
        tempfile.TemporaryDirectory(prefix="lawbot-bench-") as var,
        _environment(
            {
                **BENCH_ENV,
                **_keys(),
                "LAWBOT_PROFILE": "embedded",
                "LAWBOT_VAR_DIR": var,
                "LAWBOT_DATABASE_URL": f"sqlite:///{Path(var) / 'leads.db'}",
                "LAWBOT_INSTANCES": "1",
                "LAWBOT_PROXY_PORT": "0",
            }
        ),
    ):
        settings = dataclasses.replace(
            load_settings(),
            var_dir=Path(var),
            rasa_port=free_port(),
            action_port=free_port(),
            web_port=free_port(),
            host="127.0.0.1",
        )
        if model_path:
            settings = dataclasses.replace(settings, model_path=model_path)
        upgrade(settings.database_url)
        stack = Stack(settings)
        _say("starting the assistant (embedded profile: action server, Rasa server, worker, web app)…", quiet)
        started = time.monotonic()
        _start(stack, quiet)
        try:
            _say(f"  started in {time.monotonic() - started:.0f} s", quiet)
            yield Running(
                [stack.rasa_url],
                settings.database_url,
                settings.tracker_store_url,
                None,
                "embedded",
                Path(var),
            )
        finally:
            stack.stop()


def services_missing() -> list[str]:
    """The production stores that do not answer on this machine (empty: all there)."""
    from urllib.parse import urlsplit

    from sqlalchemy import create_engine, text

    missing = []
    try:
        admin = create_engine(POSTGRES_ADMIN_URL, future=True, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text("select 1"))
        admin.dispose()
    except Exception as error:  # noqa: BLE001
        missing.append(f"PostgreSQL ({error.__class__.__name__})")
    amqp = urlsplit(RABBITMQ_URL)
    for name, host, port in (
        ("Redis", *REDIS),
        ("RabbitMQ", amqp.hostname or "127.0.0.1", amqp.port or 5672),
    ):
        try:
            socket.create_connection((host, port), timeout=2).close()
        except OSError:
            missing.append(f"{name} ({host}:{port})")
    return missing


def _cleanup_queues(prefix: str, queue: str) -> None:
    import aio_pika
    import redis

    client = redis.Redis(host=REDIS[0], port=REDIS[1], db=REDIS_DB)
    for key in client.scan_iter(f"*{prefix}*"):
        client.delete(key)

    async def drop() -> None:
        connection = await aio_pika.connect(RABBITMQ_URL)
        async with connection:
            channel = await connection.channel()
            await channel.queue_delete(queue)
            await channel.exchange_delete(f"{queue}.exchange")

    asyncio.run(drop())


@contextlib.contextmanager
def production(instances: int = 2, quiet: bool = False, model_path: Path | None = None) -> Iterator[Running]:
    """The production profile with `instances` Rasa servers sharing PostgreSQL, Redis and
    RabbitMQ (a database, key prefix and queue of this run's own, dropped afterwards)."""
    from sqlalchemy import create_engine, text

    from bot.ops.supervisor import Server, Stack

    native = hasattr(Stack, "rasa_urls")  # the supervisor starts N instances itself
    missing = services_missing()
    if missing:
        raise RuntimeError("the production profile needs " + ", ".join(missing))
    run = uuid.uuid4().hex[:10]
    database = f"lawbot_bench_{run}"
    admin = create_engine(POSTGRES_ADMIN_URL, future=True, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"create database {database}"))
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{database}"
    token = f"bench-rest-token-{uuid.uuid4().hex}"
    queue = f"lawbot_bench_events_{run}"
    prefix = f"lawbotbench{run}"
    extra: list[Server] = []
    try:
        with (
            tempfile.TemporaryDirectory(prefix="lawbot-bench-prod-") as var,
            _environment(
                {
                    **BENCH_ENV,
                    **_keys(),
                    "LAWBOT_PROFILE": "production",
                    "LAWBOT_VAR_DIR": var,
                    "LAWBOT_DATABASE_URL": url,
                    "LAWBOT_TRACKER_DATABASE_URL": "",
                    "LAWBOT_REDIS_URL": f"redis://{REDIS[0]}:{REDIS[1]}/{REDIS_DB}",
                    "LAWBOT_REDIS_PREFIX": prefix,
                    "LAWBOT_RABBITMQ_URL": RABBITMQ_URL,
                    "LAWBOT_RABBITMQ_QUEUE": queue,
                    "LAWBOT_REST_TOKEN": token,
                    # Each Rasa server with an action server of its own, as `make
                    # run-production` starts them (bot/ops/production.py), without nginx.
                    "LAWBOT_INSTANCES": str(instances) if native else "1",
                    "LAWBOT_PROXY_PORT": "0",
                }
            ),
        ):
            settings = dataclasses.replace(
                load_settings(),
                var_dir=Path(var),
                rasa_port=(ports := free_ports(2 * instances)),
                action_port=ports + instances,
                web_port=free_port(),
                host="127.0.0.1",
            )
            if model_path:
                settings = dataclasses.replace(settings, model_path=model_path)
            stack = Stack(settings)
            _say(
                f"starting the production profile: {instances} Rasa server(s) on PostgreSQL "
                f"({database}), Redis db {REDIS_DB}, RabbitMQ queue {queue}…",
                quiet,
            )
            started = time.monotonic()
            _start(stack, quiet)
            try:
                first = next(s for s in stack.servers if s.name.startswith("Rasa server"))
                urls = list(stack.rasa_urls) if native else [stack.rasa_url]
                # A Stack without instances: more Rasa servers sharing the one action server.
                for number in range(len(urls) + 1, instances + 1):
                    port = free_port()
                    command = list(first.command)
                    command[command.index("--port") + 1] = str(port)
                    server = Server(
                        f"Rasa server {number}",
                        command,
                        f"http://127.0.0.1:{port}/",
                        Path(var) / "log" / f"rasa{number}.log",
                        first.extra_env,
                    )
                    extra.append(server)
                    server.start(stack.env)
                    server.wait_ready(240, progress=not quiet)
                    urls.append(f"http://127.0.0.1:{port}")
                _say(f"  started in {time.monotonic() - started:.0f} s", quiet)
                yield Running(urls, url, settings.tracker_store_url, token, "production", Path(var))
            finally:
                for server in reversed(extra):
                    server.stop()
                stack.stop()
    finally:
        create_engine(url).dispose()
        with admin.connect() as connection:
            connection.execute(text(f"drop database if exists {database} with (force)"))
        admin.dispose()
        try:
            _cleanup_queues(prefix, queue)
        except Exception as error:  # noqa: BLE001 - leftovers are named, not fatal
            print(f"warning: could not drop Redis keys / queue {queue}: {error}", file=sys.stderr)
