"""Starts the whole assistant (action server, then Rasa server), waits until each answers,
prints where to talk to it, restarts a child that crashes (with backoff, bot/ops/restarts.py),
and stops everything together. Used by `make run` and by the tests that need the real servers.
`make run-production INSTANCES=N`: N Rasa servers, each with its own action server, behind
nginx, in the production profile (its settings, provisioning and nginx: bot/ops/production.py).

Longer than 300 lines: starting, watching, restarting and stopping the children belong together.
"""

from __future__ import annotations

import contextlib
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

from bot.ops import production
from bot.ops.production import Instance, production_endpoints, production_problems, store_passwords
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
    # Started together with the next server: Stack.start awaits both once the next is started.
    overlap: bool = False

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
        self.terminate()
        self.wait_stopped(grace)

    def terminate(self) -> None:
        """SIGTERM to the child's process group (nginx's workers, Sanic's, …)."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)

    def wait_stopped(self, grace: float) -> None:
        """Waits until the child has exited; SIGKILL after `grace` seconds."""
        if not self.process:
            return
        try:
            self.process.wait(max(grace, 0))
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):  # it may have gone in the meantime
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


# The secrets the supervisor hands to the one child that needs each, through the environment
# (never the command line: `ps` shows every process's command line to every user).
API_TOKEN_ENV = "RASA_API_TOKEN"
ACTION_SECRET_ENV = "LAWBOT_ACTION_SECRET"
# The header Rasa sends the action secret in (bot/rasa/action_server.py checks it).
ACTION_SECRET_HEADER = "X-Lawbot-Action-Secret"


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
        """The (first) Rasa server."""
        return f"http://{self.settings.host}:{self.settings.rasa_port}"

    @property
    def rasa_urls(self) -> list[str]:
        return [f"http://{self.settings.host}:{i.rasa_port}" for i in production.instances(self.settings)]

    @property
    def web_url(self) -> str:
        return f"http://{self.settings.host}:{self.settings.web_port}"

    @property
    def action_url(self) -> str:
        return f"http://{self.settings.host}:{self.settings.action_port}"

    @property
    def proxy_url(self) -> str | None:
        """nginx in front of everything (LAWBOT_PROXY_PORT), None without it."""
        port = self.settings.proxy_port
        return f"http://{production.upstream_host(self.settings)}:{port}" if port else None

    def write_endpoints(self, instance: Instance | None = None) -> Path:
        """Rasa's endpoints file, rendered from the settings (addresses and stores); with
        several instances, one per Rasa server, naming its own action server."""
        instance = instance or production.instances(self.settings)[0]
        path = self.settings.var_dir / instance.file("endpoints", ".yml")
        path.parent.mkdir(parents=True, exist_ok=True)
        action_endpoint = (
            f"http://{self.settings.host}:{instance.action_port}/webhook"
            if instance.count > 1
            else self.settings.action_endpoint
        )
        endpoints = {
            # The secret itself stays in the environment: Rasa fills in ${...} when it reads the file.
            "action_endpoint": {
                "url": action_endpoint,
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

    def instance_servers(self, instance: Instance, credentials: Path) -> tuple[Server, Server]:
        """An action server and the Rasa server that calls it."""
        s = self.settings
        python = sys.executable
        logs = s.var_dir / "log"
        secret = {ACTION_SECRET_ENV: self.action_secret}
        # bot/rasa/action_server.py: on s.host, answers only Rasa (the secret), bounded bodies.
        action = Server(
            instance.name("action server"),
            [python, "-m", "bot.rasa.action_server", "--actions", "actions"]
            + ["--interface", s.host, "--port", str(instance.action_port)],
            f"http://{s.host}:{instance.action_port}/health",
            logs / instance.file("actions", ".log"),
            extra_env=secret,
        )
        # bot/rasa/serve.py: `rasa run --enable-api` with the token from the environment,
        # bounded bodies, rate and length limits on every channel.
        rasa = Server(
            instance.name("Rasa server"),
            [python, "-m", "bot.rasa.serve", "--model", str(s.model_path)]
            + ["--endpoints", str(self.write_endpoints(instance)), "--credentials", str(credentials)]
            + ["--interface", s.host, "--port", str(instance.rasa_port), "--cors", "*"],
            f"http://{s.host}:{instance.rasa_port}/",  # answers once the model is loaded; no token in a URL
            logs / instance.file("rasa", ".log"),
            extra_env={**secret, API_TOKEN_ENV: self.api_token, **store_passwords(s)},
        )
        return action, rasa

    def build(self) -> None:
        s = self.settings
        python = sys.executable
        logs = s.var_dir / "log"
        credentials = self.write_credentials()
        pairs = [self.instance_servers(instance, credentials) for instance in production.instances(s)]
        actions, rasas = [pair[0] for pair in pairs], [pair[1] for pair in pairs]
        # The action servers start together; the first Rasa server alone (it creates the tracker
        # store's tables), then the others together.
        for server in actions[:-1] + rasas[1:-1]:
            server.overlap = True
        self.servers = [
            *actions,
            *rasas,
            # Sends consented leads to law firms from the outbox; never blocks a conversation.
            Server("delivery worker", [python, "-m", "bot.delivery"], None, logs / "delivery.log"),
            # Production: keeps the dashboard's conversation tables from Rasa's event queue.
            *(
                [Server("event consumer", [python, "-m", "bot.events"], None, logs / "events.log")]
                if s.production
                else []
            ),
            # The demo page with the chat widget, and the staff console.
            Server(
                "web app",
                [python, "-m", "bot.ops.web", "--host", s.host, "--port", str(s.web_port)],
                f"{self.web_url}/health",
                logs / "web.log",
                extra_env={"RASA_PUBLIC_URL": s.rasa_public_url or self.proxy_url or self.rasa_url},
            ),
        ]
        if self.proxy_url:  # nginx in front (bot/ops/production.py), its config under var/nginx/
            production.write_nginx_config(s)
            self.servers.append(
                Server("nginx", production.nginx_command(s), f"{self.proxy_url}/health", logs / "nginx.log")
            )

    def prepare_production(self, progress: bool) -> None:
        """Refuses to start without the profile's settings; creates the PostgreSQL databases
        and the RabbitMQ vhost when missing; migrates the leads database."""
        problems = production_problems(self.settings)
        if problems:
            raise StartupError(
                "the production profile (LAWBOT_PROFILE=production) needs:\n  - " + "\n  - ".join(problems)
            )
        note = print if progress else (lambda _: None)
        try:
            production.ensure_databases(self.settings, note)
        except Exception as error:  # noqa: BLE001 - said with the database's own words
            raise StartupError(f"could not prepare the PostgreSQL databases: {error}") from error
        try:
            production.ensure_vhost(self.settings, note)
        except (OSError, RuntimeError, subprocess.SubprocessError) as error:
            raise StartupError(f"could not prepare the RabbitMQ vhost: {error}") from error
        from bot.db import upgrade

        upgrade(self.settings.database_url)  # the leads database at the newest schema

    def start(self, progress: bool = True, timeout: float = 240) -> None:
        if not self.settings.model_path.exists():
            raise StartupError(f"no trained model at {self.settings.model_path}; run `make model`")
        problems = production.launch_problems(self.settings)
        if problems:
            raise StartupError("cannot start:\n  - " + "\n  - ".join(problems))
        if self.settings.production:
            self.prepare_production(progress)
        # Files under var/ (databases, spool, logs, keys) for the owner only: 0600 / 0700, and
        # the children inherit it.
        os.umask(0o077)
        from bot.logfiles import make_private

        make_private(self.settings.var_dir)  # and what an older version left readable
        self.build()
        if self.proxy_url and (complaint := production.check_nginx_config(self.settings)):
            raise StartupError(f"nginx refuses its configuration: {complaint}")
        # Children share the settings: the same var/ directory (leads database, spool, logs).
        # The secrets go only to the servers that need them (Server.extra_env).
        self.env = env = {
            **{k: v for k, v in os.environ.items() if k not in (API_TOKEN_ENV, ACTION_SECRET_ENV)},
            **CHILD_ENV,
            "LAWBOT_VAR_DIR": str(self.settings.var_dir),
        }
        try:
            starting: list[Server] = []
            for server in self.servers:
                server.start(env)
                starting.append(server)
                if not server.overlap:
                    for begun in starting:
                        begun.wait_ready(timeout, progress)
                    starting = []
        except BaseException:
            self.stop()
            raise

    def stop(self, grace: float = 10) -> None:
        """Every child at once, the last started first; each is killed if still there after
        `grace` seconds (in all, not per child: N instances stop as fast as one)."""
        for server in reversed(self.servers):
            server.terminate()
        deadline = time.monotonic() + grace
        for server in reversed(self.servers):
            server.wait_stopped(deadline - time.monotonic())

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

    def banner(self, rest_token: str | None = None) -> str:
        """Where everything is; the curl line shows `rest_token` (a development token from
        deploy/local.env), else names $LAWBOT_REST_TOKEN: a real token is never printed."""
        s, front = self.settings, self.proxy_url
        site, rasa = front or self.web_url, front or self.rasa_url
        several = s.instances > 1
        lines = [
            "",
            "The Harbin IT-law intake assistant is running"
            + (f" ({s.instances} instances behind nginx):" if front and several else ":"),
            f"  web page + chat widget: {site}/   (English: {site}/en)",
            f"  staff console:  {site}/staff   (accounts: .venv/bin/lawbot staff add --help)",
            f"  REST channel:   {rasa}/webhooks/rest/webhook"
            + ("   (closed: no LAWBOT_REST_TOKEN)" if s.production and not s.rest_token else ""),
            f"  socket.io:      {rasa}/socket.io",
        ]
        if front:
            lines.append(f"  behind nginx:   Rasa {', '.join(self.rasa_urls)}; web app {self.web_url}")
        lines += [
            f"  action server{'s' if several else ''}: {self.action_url}/webhook"
            + (f" and the next {s.instances - 1} port(s)" if several else "")
            + "   (internal: answer only Rasa)",
            "  delivery worker: sends consented leads to law firms (lawbot deliveries list)",
            *(["  event consumer: counts the conversations from RabbitMQ"] if s.production else []),
            f"  logs:           {s.var_dir / 'log'}",
            "",
            "Talk to it:",
            f"  curl -s {rasa}/webhooks/rest/webhook -H 'Content-Type: application/json'"
            + (f' -H "Authorization: Bearer {rest_token or "$LAWBOT_REST_TOKEN"}"' if s.rest_token else "")
            + " \\",
            # A sender of your own: whoever uses the same one shares the conversation.
            f'       -d \'{{"sender": "me-{secrets.token_hex(4)}", "message": "我们的网站要做ICP备案吗"}}\'',
            "",
            "Press Ctrl-C to stop.",
        ]
        return "\n".join(lines)


def run_forever(env_file: Path | None = None) -> int:
    """`make run` (and `make run-production`, with deploy/local.env as `env_file`: its variables
    fill in what the environment lacks): start everything, print the URLs, stop cleanly on
    Ctrl-C or SIGTERM."""
    shown_token = None
    if env_file:
        try:
            taken = production.load_env_file(env_file)
        except (OSError, ValueError) as error:
            print(f"Could not read {env_file}: {error}", file=sys.stderr)
            return 1
        print(f"Settings from {env_file} (development only), the environment's own values first.")
        shown_token = taken.get("LAWBOT_REST_TOKEN")
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
        print(stack.banner(shown_token), flush=True)
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
