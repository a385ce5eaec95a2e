"""Starts the whole assistant (action server, then Rasa server), waits until each answers,
prints where to talk to it, restarts a child that crashes (with backoff, bot/ops/restarts.py),
and stops everything together. Used by `make run` and by the tests that need the real servers.

Longer than 300 lines: starting, watching, restarting and stopping the children belong together.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from types import FrameType

import requests
import yaml

from bot.ops.restarts import RestartPolicy
from bot.settings import PROJECT_ROOT, Settings
from bot.settings import load as load_settings

CHILD_ENV = {
    "RASA_TELEMETRY_ENABLED": "false",
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "PYTHONUNBUFFERED": "1",
}


class StartupError(RuntimeError):
    """A server did not come up; the message names its log file."""


class GaveUp(RuntimeError):
    """A child crashed too often in a short time; the message says which."""


@dataclass
class Server:
    name: str
    command: list[str]
    ready_url: str | None  # None: a worker without HTTP, ready once it is running
    log_path: Path
    extra_env: dict[str, str] = field(default_factory=dict, repr=False)  # secrets among them
    process: subprocess.Popen[bytes] | None = None

    def start(self, env: dict[str, str]) -> None:
        env = {**env, **self.extra_env}
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")  # noqa: SIM115 - the child keeps its own copy; ours is closed below
        # A session of its own: Ctrl-C reaches the supervisor, which stops children in order.
        self.process = subprocess.Popen(
            self.command,
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()

    def is_ready(self) -> bool:
        if self.ready_url is None:
            return self.process is not None and self.process.poll() is None
        try:
            return requests.get(self.ready_url, timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def wait_ready(self, timeout: float, progress: bool, abort: Callable[[], bool] = lambda: False) -> float:
        started = time.monotonic()
        while True:
            elapsed = time.monotonic() - started
            if abort():
                raise KeyboardInterrupt
            if self.process and self.process.poll() is not None:
                raise StartupError(f"{self.name} exited; see {self.log_path}")
            if self.is_ready():
                if progress:
                    print(f"\r  {self.name}: ready in {elapsed:.0f}s{' ' * 20}", flush=True)
                return elapsed
            if elapsed > timeout:
                raise StartupError(f"{self.name} not ready after {timeout:.0f}s; see {self.log_path}")
            if progress and sys.stdout.isatty():
                print(f"\r  {self.name}: starting… {elapsed:.0f}s", end="", flush=True)
            time.sleep(0.5)

    def stop(self, grace: float = 10) -> None:
        if not self.process or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(grace)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


# The secrets the supervisor hands to the one child that needs each, through the environment
# (never the command line: `ps` shows every process's command line to every user).
API_TOKEN_ENV = "RASA_API_TOKEN"
ACTION_SECRET_ENV = "LAWBOT_ACTION_SECRET"
# The header Rasa sends the action secret in (bot/rasa/action_server.py checks it).
ACTION_SECRET_HEADER = "X-Lawbot-Action-Secret"


# Production: the passwords in the stores' URLs reach Rasa only through these variables, which
# Rasa substitutes when it reads endpoints.yml (the file holds none).
STORE_PASSWORD_ENV = {
    "tracker": "LAWBOT_TRACKER_DB_PASSWORD",
    "redis": "LAWBOT_REDIS_PASSWORD",
    "rabbitmq": "LAWBOT_RABBITMQ_PASSWORD",
}


def production_problems(settings: Settings) -> list[str]:
    """What the production profile lacks, one line each (empty: it may start)."""
    problems = []
    if not settings.database_url.startswith("postgresql"):
        problems.append("LAWBOT_DATABASE_URL: the leads database on PostgreSQL (postgresql://user@host/db)")
    if settings.tracker_database_url and not settings.tracker_database_url.startswith("postgresql"):
        problems.append("LAWBOT_TRACKER_DATABASE_URL: a PostgreSQL URL (or unset: the leads database)")
    if not (settings.redis_url or "").startswith(("redis://", "rediss://")):
        problems.append("LAWBOT_REDIS_URL: Rasa's lock store (redis://[:password@]host:6379/db)")
    if not settings.redis_key_prefix.isalnum():
        problems.append("LAWBOT_REDIS_PREFIX: letters and digits only")
    if not (settings.rabbitmq_url or "").startswith(("amqp://", "amqps://")):
        problems.append("LAWBOT_RABBITMQ_URL: Rasa's event broker (amqp://user:password@host:5672/vhost)")
    if not settings.encryption_keys:
        problems.append("LAWBOT_ENCRYPTION_KEYS: encryption at rest (make one with `lawbot keys new`)")
    if not settings.search_key:
        problems.append("LAWBOT_SEARCH_KEY: the key of the contact hashes (any long random string)")
    return problems


def store_passwords(settings: Settings) -> dict[str, str]:
    """The environment the Rasa server needs to fill in endpoints.yml's ${...} passwords."""
    if not settings.production:
        return {}
    from urllib.parse import urlsplit

    from sqlalchemy.engine import make_url

    found = {
        "tracker": make_url(settings.tracker_store_url).password,
        "redis": urlsplit(settings.redis_url or "").password,
        "rabbitmq": urlsplit(settings.rabbitmq_url or "").password,  # as in the URL (Rasa puts it back)
    }
    return {STORE_PASSWORD_ENV[name]: str(value) for name, value in found.items() if value}


def production_endpoints(settings: Settings) -> dict[str, object]:
    """Rasa's tracker store (ours, on PostgreSQL), Redis lock store (Rasa's, made atomic for
    several servers: bot/rasa/lock_store.py) and Pika event broker."""
    from urllib.parse import unquote, urlsplit

    from sqlalchemy.engine import make_url

    def secret(name: str, present: object) -> dict[str, str]:
        return {"password": "${" + STORE_PASSWORD_ENV[name] + "}"} if present else {}

    db = make_url(settings.tracker_store_url)
    tracker: dict[str, object] = {
        "type": "bot.rasa.stores.ErasingSQLTrackerStore",
        "dialect": db.drivername,
        "url": db.host or "127.0.0.1",  # Rasa hands `url` over as `host`
        "port": db.port or 5432,
        "db": db.database,
        **({"username": db.username} if db.username else {}),
        **secret("tracker", db.password),
    }
    redis = urlsplit(settings.redis_url or "")
    lock: dict[str, object] = {
        "type": "bot.rasa.lock_store.AtomicRedisLockStore",  # Rasa's, with atomic ticket changes
        "url": redis.hostname or "127.0.0.1",
        "port": redis.port or 6379,
        "db": int(redis.path.strip("/") or 0),
        "key_prefix": settings.redis_key_prefix,
        "use_ssl": redis.scheme == "rediss",
        **({"username": unquote(redis.username)} if redis.username else {}),
        **secret("redis", redis.password),
    }
    amqp = urlsplit(settings.rabbitmq_url or "")
    vhost = amqp.path if amqp.path not in ("", "/") else ""
    broker: dict[str, object] = {
        "type": "pika",
        "url": f"{amqp.scheme}://{amqp.hostname or '127.0.0.1'}:{amqp.port or 5672}{vhost}",
        "username": amqp.username or "guest",
        "password": "${" + STORE_PASSWORD_ENV["rabbitmq"] + "}" if amqp.password else "",
        "queues": [settings.rabbitmq_queue],
        "exchange_name": settings.rabbitmq_exchange,
    }
    return {"tracker_store": tracker, "lock_store": lock, "event_broker": broker}


@dataclass
class Stack:
    settings: Settings
    api_token: str = field(default="", repr=False)  # empty: RASA_API_TOKEN, else a random one
    # Rasa -> action server; empty: LAWBOT_ACTION_SECRET, else a random one per start.
    action_secret: str = field(default="", repr=False)
    servers: list[Server] = field(default_factory=list)
    # The environment every child was started with (a restarted child gets the same).
    env: dict[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if not self.api_token:
            self.api_token = self.settings.rasa_api_token or secrets.token_urlsafe(24)
        if not self.action_secret:
            self.action_secret = self.settings.action_secret or secrets.token_urlsafe(32)

    @property
    def rasa_url(self) -> str:
        return f"http://{self.settings.host}:{self.settings.rasa_port}"

    @property
    def web_url(self) -> str:
        return f"http://{self.settings.host}:{self.settings.web_port}"

    @property
    def action_url(self) -> str:
        return f"http://{self.settings.host}:{self.settings.action_port}"

    def write_endpoints(self) -> Path:
        """Rasa's endpoints file, rendered from the settings (addresses and stores)."""
        path = self.settings.var_dir / "endpoints.yml"
        path.parent.mkdir(parents=True, exist_ok=True)
        endpoints = {
            # The secret itself stays in the environment: Rasa fills in ${...} when it reads the file.
            "action_endpoint": {
                "url": self.settings.action_endpoint,
                "headers": {ACTION_SECRET_HEADER: "${" + ACTION_SECRET_ENV + "}"},
            },
            "tracker_store": {
                "type": "bot.rasa.stores.ErasingSQLTrackerStore",
                "dialect": "sqlite",
                "db": str(self.settings.tracker_db),
            },
        }
        if self.settings.production:  # PostgreSQL, Redis, RabbitMQ; passwords as ${...} only
            endpoints.update(production_endpoints(self.settings))
        path.write_text(yaml.safe_dump(endpoints, sort_keys=False), encoding="utf-8")
        return path

    def write_credentials(self) -> Path:
        """Rasa's credentials file: the channels configured in the environment."""
        from bot.rasa.channels import credentials

        path = self.settings.var_dir / "credentials.yml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(credentials(self.settings), sort_keys=False), encoding="utf-8")
        return path

    def build(self) -> None:
        s = self.settings
        python = sys.executable
        logs = s.var_dir / "log"
        secret = {ACTION_SECRET_ENV: self.action_secret}
        self.servers = [
            # bot/rasa/action_server.py: on s.host, answers only Rasa (the secret), bounded bodies.
            Server(
                "action server",
                [python, "-m", "bot.rasa.action_server", "--actions", "actions"]
                + ["--interface", s.host, "--port", str(s.action_port)],
                f"{self.action_url}/health",
                logs / "actions.log",
                extra_env=secret,
            ),
            # bot/rasa/serve.py: `rasa run --enable-api` with the token from the environment,
            # bounded bodies, rate and length limits on every channel.
            Server(
                "Rasa server",
                [
                    python,
                    "-m",
                    "bot.rasa.serve",
                    "--model",
                    str(s.model_path),
                    "--endpoints",
                    str(self.write_endpoints()),
                    "--credentials",
                    str(self.write_credentials()),
                    "--interface",
                    s.host,
                    "--port",
                    str(s.rasa_port),
                    "--cors",
                    "*",
                ],
                f"{self.rasa_url}/",  # answers once the model is loaded; no token in a URL
                logs / "rasa.log",
                extra_env={**secret, API_TOKEN_ENV: self.api_token, **store_passwords(s)},
            ),
            # Sends consented leads to law firms from the outbox; never blocks a conversation.
            Server("delivery worker", [python, "-m", "bot.delivery"], None, logs / "delivery.log"),
            # Production: keeps the dashboard's conversation tables from Rasa's event queue.
            *(
                [Server("event consumer", [python, "-m", "bot.events"], None, logs / "events.log")]
                if s.production
                else []
            ),
            # The demo page with the chat widget (and, later, the staff console).
            Server(
                "web app",
                [python, "-m", "bot.ops.web", "--host", s.host, "--port", str(s.web_port)],
                f"{self.web_url}/health",
                logs / "web.log",
                extra_env={"RASA_PUBLIC_URL": s.rasa_public_url or self.rasa_url},
            ),
        ]

    def start(self, progress: bool = True, timeout: float = 240) -> None:
        if not self.settings.model_path.exists():
            raise StartupError(f"no trained model at {self.settings.model_path}; run `make model`")
        if self.settings.production:
            problems = production_problems(self.settings)
            if problems:
                raise StartupError(
                    "the production profile (LAWBOT_PROFILE=production) needs:\n  - "
                    + "\n  - ".join(problems)
                )
            from bot.db import upgrade

            upgrade(self.settings.database_url)  # the leads database at the newest schema
        # Files under var/ (databases, spool, logs, keys) for the owner only: 0600 / 0700, and
        # the children inherit it.
        os.umask(0o077)
        from bot.logfiles import make_private

        make_private(self.settings.var_dir)  # and what an older version left readable
        self.build()
        # Children share the settings: the same var/ directory (leads database, spool, logs).
        # The secrets go only to the servers that need them (Server.extra_env).
        self.env = env = {
            **{k: v for k, v in os.environ.items() if k not in (API_TOKEN_ENV, ACTION_SECRET_ENV)},
            **CHILD_ENV,
            "LAWBOT_VAR_DIR": str(self.settings.var_dir),
        }
        try:
            for server in self.servers:
                server.start(env)
                server.wait_ready(timeout, progress)
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        for server in reversed(self.servers):
            server.stop()

    def say(self, message: str, server: Server | None = None) -> None:
        """On the console, in the supervisor's log and in the child's own log."""
        stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")
        print(message, flush=True)
        logs = [self.settings.var_dir / "log" / "supervisor.log"] + ([server.log_path] if server else [])
        for path in logs:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                with path.open("a", encoding="utf-8") as log:
                    log.write(f"{stamp} [supervisor] {message}\n")
            except OSError:
                pass

    def watch(
        self,
        stopping: Callable[[], bool],
        clock: Callable[[], float] = time.monotonic,
        interval: float = 0.5,
        timeout: float = 240,
    ) -> None:
        """Until `stopping()`: restarts every child that exits, after its policy's pause, with
        the same command and environment, and waits until it answers again. Raises GaveUp
        when a child crashes too often (the caller stops everything)."""
        policies = {server.name: RestartPolicy(clock=clock) for server in self.servers}
        due: dict[str, float] = {}  # child -> when it restarts
        while not stopping():
            for server in self.servers:
                process = server.process
                if server.name in due or process is None or process.poll() is None:
                    continue
                delay = policies[server.name].crashed()
                code = process.returncode
                if delay is None:
                    crashes = policies[server.name].recent_crashes
                    raise GaveUp(
                        f"{server.name} exited with code {code}, its {crashes}th crash within "
                        f"{policies[server.name].window:.0f} s; giving up (see {server.log_path})"
                    )
                due[server.name] = clock() + delay
                self.say(f"{server.name} exited with code {code}; restarting it in {delay:.0f} s", server)
            for server in self.servers:
                if server.name in due and clock() >= due[server.name] and not stopping():
                    del due[server.name]
                    server.start(self.env)
                    try:
                        server.wait_ready(timeout, progress=False, abort=stopping)
                    except StartupError as error:
                        self.say(f"{server.name} did not come back: {error}", server)
                        server.stop()  # stopped: the next round counts the crash
                        continue
                    except KeyboardInterrupt:
                        return
                    self.say(f"{server.name} restarted and ready", server)
            time.sleep(interval)

    def banner(self) -> str:
        return "\n".join(
            [
                "",
                "The Harbin IT-law intake assistant is running:",
                f"  web page + chat widget: {self.web_url}/   (English: {self.web_url}/en)",
                f"  staff console:  {self.web_url}/staff   (accounts: .venv/bin/lawbot staff add --help)",
                f"  REST channel:   {self.rasa_url}/webhooks/rest/webhook",
                f"  socket.io:      {self.rasa_url}/socket.io",
                f"  action server:  {self.action_url}/webhook   (internal: answers only Rasa)",
                "  delivery worker: sends consented leads to law firms (lawbot deliveries list)",
                f"  logs:           {self.settings.var_dir / 'log'}",
                "",
                "Talk to it:",
                f"  curl -s {self.rasa_url}/webhooks/rest/webhook -H 'Content-Type: application/json' \\",
                # A sender of your own: whoever uses the same one shares the conversation.
                f'       -d \'{{"sender": "me-{secrets.token_hex(4)}", "message": "我们的网站要做ICP备案吗"}}\'',
                "",
                "Press Ctrl-C to stop.",
            ]
        )


def run_forever() -> int:
    """`make run`: start everything, print the URLs, stop cleanly on Ctrl-C or SIGTERM."""
    stack = Stack(load_settings())
    started = stopping = False

    def request_stop(signum: int, frame: FrameType | None) -> None:  # noqa: ARG001
        nonlocal stopping
        if not started:  # still starting: abandon the start (Stack.start stops what it began)
            raise KeyboardInterrupt
        stopping = True

    # Ctrl-C and SIGTERM both stop everything in order (SIGINT explicitly: a shell that starts
    # `make run` in the background leaves SIGINT ignored, and Python would keep it so).
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, request_stop)
    print("Starting the assistant (the first start loads TensorFlow and the model, ~30 s)…")
    try:
        stack.start()
        started = True
        print(stack.banner(), flush=True)
        stack.watch(lambda: stopping)  # a crashed child is restarted, with backoff
    except KeyboardInterrupt:
        pass
    except StartupError as error:
        print(f"\nCould not start: {error}", file=sys.stderr)
        return 1
    except GaveUp as error:
        stack.say(f"Stopping the assistant: {error}")
        return 1
    finally:
        print("\nStopping…", flush=True)
        stack.stop()
    print("Stopped.")
    return 0
