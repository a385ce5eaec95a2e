"""`make run-production INSTANCES=2` as a user runs it: the launcher (`python -m bot.ops.cli serve
--env-file deploy/local.env`, what the Makefile starts) with two Rasa servers and two action
servers behind nginx, on this machine's PostgreSQL, Redis and RabbitMQ, with free ports, a
database pair, a Redis key prefix and a RabbitMQ vhost of this run (the launcher creates the
databases and the vhost; the test deletes them). Through nginx: a REST intake with the bearer
token, its messages spread over both Rasa servers; REST without the token refused; the widget's
socket.io over a WebSocket and over long-polling; the web page and the staff console; the client
address reaching Rasa's rate limit. Ctrl-C stops every child, nginx included.

A service that is down (or nginx or rabbitmqctl missing) skips these tests here and fails them
in CI (LAWBOT_CI). One stack start for the module: about two minutes."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

import pytest
import requests
from sqlalchemy import create_engine, text

from bot.ops import production as launcher
from bot.settings import PROJECT_ROOT
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
REDIS_DB = 9  # the tests' Redis database; a key prefix of this run's own
RABBITMQ_URL = os.environ.get("LAWBOT_TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/")
REST_TOKEN = "rest-token-of-the-run-production-test-0123456789"
API_TOKEN = "rasa-api-token-of-the-run-production-test"
START_TIMEOUT = 420  # two Rasa servers loading TensorFlow on a busy two-core machine
ENV_FILE = PROJECT_ROOT / "deploy" / "local.env"


def required_program(path: Path, why: str) -> None:
    if not path.exists():
        if os.environ.get("LAWBOT_CI"):
            pytest.fail(f"{path} is needed in CI ({why})")
        pytest.skip(f"no {path} ({why}; `make nginx-installed` installs nginx)")


def port_is_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def free_ports_in_a_row(count: int, taken: set[int]) -> int:
    """The first of `count` consecutive free ports (the launcher counts instances' ports up)."""
    for _ in range(100):
        base = free_port()
        ports = set(range(base, base + count))
        if base + count < 65536 and not ports & taken and all(port_is_free(p) for p in ports):
            taken.update(ports)
            return base
    raise RuntimeError("no consecutive free ports")


def listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


def descendants(pid: int) -> set[int]:
    """Every process below `pid` (children, and their children: nginx's workers, Sanic's)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def commands(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()[:120]
    except OSError:
        return "?"


@dataclass
class Run:
    """The launcher of this run and where its parts are."""

    process: subprocess.Popen[bytes]
    output: Path
    var_dir: Path
    proxy_url: str
    rasa_ports: list[int]
    ports: list[int]  # every port a child listens on
    database_urls: list[str]
    vhost: str
    env: dict[str, str] = field(repr=False)

    def console(self) -> str:
        return self.output.read_text(encoding="utf-8", errors="replace")

    def access_log(self) -> list[str]:
        path = self.var_dir / "log" / "nginx-access.log"
        return path.read_text(encoding="utf-8").splitlines() if path.exists() else []

    def served_since(self, before: int, expected: int) -> list[str]:
        """REST lines logged after the first `before` lines; nginx writes a line once the answer
        has gone out, so the last one may lag the client by a moment."""
        deadline = time.monotonic() + 10
        while True:
            served = [
                line for line in self.access_log()[before:] if '"POST /webhooks/rest/webhook" 200' in line
            ]
            if len(served) >= expected or time.monotonic() > deadline:
                return served
            time.sleep(0.1)


def wait_for_banner(run: Run) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while "Press Ctrl-C to stop." not in run.console():
        if run.process.poll() is not None:
            pytest.fail(f"the launcher exited with {run.process.returncode}:\n{run.console()}")
        if time.monotonic() > deadline:
            pytest.fail(f"the launcher did not start in {START_TIMEOUT} s:\n{run.console()}")
        time.sleep(1)


def interrupt(run: Run, timeout: float = 60) -> int:
    """Ctrl-C: SIGINT to the launcher; its exit code (killed with its children if it hangs)."""
    if run.process.poll() is None:
        run.process.send_signal(signal.SIGINT)
    try:
        return run.process.wait(timeout)
    except subprocess.TimeoutExpired:
        left = {pid: commands(pid) for pid in descendants(run.process.pid)}
        for pid in [*left, run.process.pid]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        run.process.wait()
        pytest.fail(f"the launcher did not stop within {timeout} s after Ctrl-C ({left}):\n{run.console()}")


@pytest.fixture(scope="module")
def run(tmp_path_factory, model_path):
    require_postgres()
    require_service("Redis", *REDIS)
    require_service("RabbitMQ", "127.0.0.1", 5672)
    required_program(launcher.NGINX, "the proxy of make run-production")
    required_program(launcher.RABBITMQCTL, "a RabbitMQ vhost per run")
    run_id = uuid.uuid4().hex[:10]
    database = f"lawbot_rp_{run_id}"
    server = POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
    database_urls = [f"{server}/{database}", f"{server}/{database}_tracker"]
    vhost = f"lawbot_rp_{run_id}"
    var_dir = tmp_path_factory.mktemp("var-run-production")
    taken: set[int] = set()
    rasa_port, action_port = free_ports_in_a_row(2, taken), free_ports_in_a_row(2, taken)
    web_port, proxy_port = free_ports_in_a_row(1, taken), free_ports_in_a_row(1, taken)
    env = {
        **os.environ,
        # What deploy/local.env sets, each overridden here: the environment's values win.
        "LAWBOT_INSTANCES": "2",
        "LAWBOT_MODEL": str(model_path),
        "LAWBOT_VAR_DIR": str(var_dir),
        "RASA_PORT": str(rasa_port),
        "ACTION_PORT": str(action_port),
        "WEB_PORT": str(web_port),
        "LAWBOT_PROXY_PORT": str(proxy_port),
        "LAWBOT_DATABASE_URL": database_urls[0],
        "LAWBOT_TRACKER_DATABASE_URL": database_urls[1],
        "LAWBOT_REDIS_URL": f"redis://{REDIS[0]}:{REDIS[1]}/{REDIS_DB}",
        "LAWBOT_REDIS_PREFIX": f"lawbotrp{run_id}",
        "LAWBOT_RABBITMQ_URL": f"{RABBITMQ_URL.rstrip('/')}/{vhost}",
        "LAWBOT_REST_TOKEN": REST_TOKEN,
        "RASA_API_TOKEN": API_TOKEN,
        # One message a minute per outside address (loopback is exempt): the rate-limit test.
        "LAWBOT_IP_MESSAGES_PER_MINUTE": "1",
    }
    output = var_dir.parent / f"launcher-{run_id}.txt"
    with output.open("wb") as console:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.ops.cli", "serve", "--env-file", str(ENV_FILE)],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=console,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # signals from pytest's terminal do not reach it
        )
    ports = [rasa_port, rasa_port + 1, action_port, action_port + 1, web_port, proxy_port]
    running = Run(
        process,
        output,
        var_dir,
        f"http://127.0.0.1:{proxy_port}",
        [rasa_port, rasa_port + 1],
        ports,
        database_urls,
        vhost,
        env,
    )
    try:
        wait_for_banner(running)
        yield running
    finally:
        try:
            interrupt(running)
        finally:
            cleanup(database_urls, vhost, env["LAWBOT_REDIS_PREFIX"])


def cleanup(database_urls: list[str], vhost: str, redis_prefix: str) -> None:
    """This run's databases, RabbitMQ vhost (its queue and exchange with it) and Redis keys."""
    import redis

    try:
        drop_databases([url.rsplit("/", 1)[1] for url in database_urls])
    finally:
        try:
            delete_vhost(vhost)
        finally:
            client = redis.Redis(host=REDIS[0], port=REDIS[1], db=REDIS_DB)
            for key in client.scan_iter(f"*{redis_prefix}*"):
                client.delete(key)


def test_the_launcher_provisions_its_databases_and_vhost_and_says_where_to_talk(run):
    console = run.console()
    for url in run.database_urls:
        assert f"created the PostgreSQL database {url.rsplit('/', 1)[1]}" in console
    assert f"created the RabbitMQ vhost {run.vhost}" in console
    assert "2 instances behind nginx" in console
    assert f"{run.proxy_url}/webhooks/rest/webhook" in console and f"{run.proxy_url}/staff" in console
    # The token came from the environment, not from deploy/local.env: it is never printed.
    assert REST_TOKEN not in console and 'Bearer $LAWBOT_REST_TOKEN"' in console
    # One endpoints file per Rasa server, each naming its own action server.
    action_ports: set[int] = set()
    for number in (1, 2):
        endpoints = (run.var_dir / f"endpoints-{number}.yml").read_text(encoding="utf-8")
        action_ports |= {int(p) for p in re.findall(r"url: http://127\.0\.0\.1:(\d+)/webhook", endpoints)}
    assert action_ports == {run.ports[2], run.ports[3]}


@dataclass
class ProxiedChat(RestChat):
    """A REST conversation through nginx with the bearer token."""

    def say(self, message: str) -> list[Reply]:
        post = functools.partial(requests.post, headers={"Authorization": f"Bearer {REST_TOKEN}"})
        with mock.patch.object(requests, "post", post):
            return super().say(message)


def test_a_rest_intake_through_nginx_is_served_by_both_instances_and_saved_once(run):
    before = len(run.access_log())
    chat = ProxiedChat(run.proxy_url)
    turns, reference = SimulatedUser(chat, "icp", "en").complete_intake()
    assert reference, "no lead saved:\n" + "\n".join(f"{who}: {said}" for who, said in chat.transcript)
    typed = [said for who, said in chat.transcript if who == "user"]
    served = run.served_since(before, len(typed))
    upstreams = {line.rsplit("upstream=", 1)[1] for line in served}
    assert len(served) == len(typed) >= 4
    assert upstreams == {f"127.0.0.1:{port}" for port in run.rasa_ports}, served  # round-robin

    # Both Rasa servers read the same conversation: every turn once, in order.
    for port in run.rasa_ports:
        tracker = requests.get(
            f"http://127.0.0.1:{port}/conversations/{chat.conversation_id}/tracker",
            params={"token": API_TOKEN},
            timeout=30,
        ).json()
        assert [e["text"] for e in tracker["events"] if e["event"] == "user"] == typed
    engine = create_engine(run.database_urls[0], future=True)
    try:
        with engine.connect() as connection:
            saved = connection.execute(
                text("select count(*) from leads where conversation_id = :c"), {"c": chat.conversation_id}
            ).scalar()
        assert saved == 1
    finally:
        engine.dispose()
    # The tracker store is in its own database.
    engine = create_engine(run.database_urls[1], future=True)
    try:
        with engine.connect() as connection:
            events = connection.execute(
                text("select count(*) from events where sender_id = :c"), {"c": chat.conversation_id}
            ).scalar()
        assert events and events > len(typed)
    finally:
        engine.dispose()


def test_rest_through_nginx_wants_the_environments_token(run):
    url = f"{run.proxy_url}/webhooks/rest/webhook"
    message = {"sender": f"no-token-{uuid.uuid4().hex[:6]}", "message": "hello"}
    assert requests.post(url, json=message, timeout=30).status_code in (401, 403)
    # deploy/local.env's development token lost to the environment's.
    dev_token = launcher.read_env_file(ENV_FILE)["LAWBOT_REST_TOKEN"]
    refused = requests.post(url, json=message, headers={"Authorization": f"Bearer {dev_token}"}, timeout=30)
    assert refused.status_code in (401, 403)
    # Rasa's HTTP API is not behind nginx (it answers on the servers' own ports only).
    assert "events" not in requests.get(f"{run.proxy_url}/conversations/x/tracker", timeout=30).text


async def widget_over_websocket(proxy_url: str, message: str) -> tuple[str, dict]:
    """What the widget's socket.io client does over a WebSocket (Engine.IO 4 / Socket.IO 5
    packets): open, join a session, send a message; the signed session and the first reply.
    (python-socketio's own asyncio client needs a newer aiohttp than Rasa 3.6 allows.)"""
    import websockets

    uri = proxy_url.replace("http://", "ws://", 1) + "/socket.io/?EIO=4&transport=websocket"
    async with websockets.connect(uri, open_timeout=20) as ws:

        async def event(name: str):
            while True:
                packet = await asyncio.wait_for(ws.recv(), 90)
                if packet == "2":  # ping
                    await ws.send("3")
                elif isinstance(packet, str) and packet.startswith("42"):
                    kind, *args = json.loads(packet[2:])
                    if kind == name:
                        return args[0]

        opened = await asyncio.wait_for(ws.recv(), 20)
        assert isinstance(opened, str) and opened.startswith("0{"), opened  # Engine.IO open
        await ws.send("40")  # Socket.IO connect to "/"
        connected = await asyncio.wait_for(ws.recv(), 20)
        assert isinstance(connected, str) and connected.startswith("40"), connected
        await ws.send("42" + json.dumps(["session_request", {"session_id": None}]))
        signed = await event("session_confirm")
        await ws.send("42" + json.dumps(["user_uttered", {"message": message, "session_id": signed}]))
        return signed, await event("bot_uttered")


def test_the_widget_talks_through_nginx_over_a_websocket_and_over_long_polling(run):
    import socketio

    signed, reply = asyncio.run(
        widget_over_websocket(run.proxy_url, "Do we need an ICP filing for our website?")
    )
    assert "." in signed and reply.get("text")

    # Long-polling: every request of the session must reach the server that holds it.
    import queue

    sessions: queue.Queue[str] = queue.Queue()
    answers: queue.Queue[dict] = queue.Queue()
    client = socketio.Client(reconnection=False)
    client.on("session_confirm", sessions.put)
    client.on("bot_uttered", answers.put)
    client.connect(run.proxy_url, socketio_path="socket.io", transports=["polling"], wait_timeout=20)
    try:
        client.emit("session_request", {"session_id": None})
        signed = sessions.get(timeout=30)
        client.emit("user_uttered", {"message": "我们的网站要做ICP备案吗", "session_id": signed})
        assert answers.get(timeout=90).get("text")
    finally:
        client.disconnect()

    deadline = time.monotonic() + 10  # nginx logs a WebSocket when it closes
    while True:
        lines = [line for line in run.access_log() if "/socket.io" in line]
        if any('"GET /socket.io/" 101' in line for line in lines) or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert any('"GET /socket.io/" 101' in line for line in lines), lines  # upgraded through nginx
    assert len({line.rsplit("upstream=", 1)[1] for line in lines}) == 1, lines  # sticky: one client address


def test_the_web_page_and_the_staff_console_answer_through_nginx(run):
    page = requests.get(f"{run.proxy_url}/", timeout=30)
    assert page.status_code == 200 and "lawbot-widget.js" in page.text
    assert run.proxy_url in page.text  # the widget talks to Rasa through nginx too
    login = requests.get(f"{run.proxy_url}/staff/login", timeout=30)
    assert login.status_code == 200 and "<form" in login.text
    assert requests.get(f"{run.proxy_url}/staff/leads", timeout=30, allow_redirects=False).status_code in (
        302,
        303,
    )


def test_the_client_address_behind_nginx_counts_for_the_rate_limit(run):
    """Rasa trusts X-Forwarded-For from nginx (loopback): an outside client's messages are
    counted under its own address (one a minute here), not exempt as 127.0.0.1 would be. Each
    instance counts its own, so three messages reach one of them twice."""
    answers = []
    for number in range(3):
        response = requests.post(
            f"{run.proxy_url}/webhooks/rest/webhook",
            json={"sender": f"outside-{uuid.uuid4().hex[:6]}-{number}", "message": "hello"},
            headers={"Authorization": f"Bearer {REST_TOKEN}", "X-Forwarded-For": "203.0.113.7"},
            timeout=60,
        )
        response.raise_for_status()
        answers.append(" ".join(reply.get("text", "") for reply in response.json()))
    assert any("faster than I can read" in answer for answer in answers), answers


def test_ctrl_c_stops_every_child_nginx_included(run):
    children = descendants(run.process.pid)
    names = {
        Path(f"/proc/{pid}/comm").read_text().strip() for pid in children if Path(f"/proc/{pid}").exists()
    }
    assert "nginx" in names and len(children) >= 7, names  # 2+2 servers, worker, consumer, web app, nginx
    assert all(listening(port) for port in run.ports)
    started = time.monotonic()
    assert interrupt(run) == 0
    took = time.monotonic() - started
    assert "Stopped." in run.console()
    assert not [pid for pid in children if Path(f"/proc/{pid}").exists()]
    assert not [port for port in run.ports if listening(port)]
    assert took < 30, took
