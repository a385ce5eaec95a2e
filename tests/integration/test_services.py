"""Internal services are internal and every request is bounded, on the real servers: the action
server answers only Rasa (the shared secret) and only on the loopback interface; the Rasa
server's message limits trip and recover, an over-long message gets the polite answer and is
not processed; oversized bodies get 413; no secret is on a command line."""

from __future__ import annotations

import asyncio
import gzip
import json
import socket
import subprocess
import time
import uuid
import zlib

import pytest
import requests

from bot.ops.supervisor import ACTION_SECRET_HEADER
from tests.support import start_stack

pytestmark = pytest.mark.stack

WINDOW = 10  # seconds (LAWBOT_RATE_WINDOW_SECONDS)
PER_CONVERSATION = 3
PER_ADDRESS = 5
MAX_CHARS = 300
MAX_BYTES = 20_000
ACTION_BODY = MAX_BYTES * 16  # bot/rasa/action_server.py BODY_FACTOR


@pytest.fixture(scope="module")
def limited(tmp_path_factory, model_path):
    """A stack with small limits, given to the servers through the environment; the Rasa server
    trusts one proxy's X-Forwarded-For (Sanic's own setting) so a test can speak from elsewhere."""
    env = {
        "LAWBOT_MESSAGES_PER_MINUTE": str(PER_CONVERSATION),
        "LAWBOT_IP_MESSAGES_PER_MINUTE": str(PER_ADDRESS),
        "LAWBOT_RATE_WINDOW_SECONDS": str(WINDOW),
        "LAWBOT_MAX_MESSAGE_CHARS": str(MAX_CHARS),
        "LAWBOT_MAX_REQUEST_BYTES": str(MAX_BYTES),
        "SANIC_PROXIES_COUNT": "1",
    }
    running = start_stack(tmp_path_factory.mktemp("var-limits"), model_path, env)
    yield running
    running.stop()


def say(stack, sender: str, message: str, address: str | None = None) -> list[str]:
    headers = {"X-Forwarded-For": address} if address else {}
    response = requests.post(
        f"{stack.rasa_url}/webhooks/rest/webhook",
        json={"sender": sender, "message": message},
        headers=headers,
        timeout=60,
    )
    response.raise_for_status()
    return [reply.get("text", "") for reply in response.json()]


def user_texts(stack, sender: str) -> list[str]:
    response = requests.get(
        f"{stack.rasa_url}/conversations/rest:{sender}/tracker",
        params={"token": stack.api_token},
        timeout=10,
    )
    response.raise_for_status()
    return [e.get("text") for e in response.json()["events"] if e["event"] == "user"]


def action_call(name: str = "action_that_does_not_exist") -> dict:
    return {
        "next_action": name,
        "sender_id": "rest:x",
        "tracker": {"sender_id": "rest:x", "slots": {}, "latest_message": {}, "events": []},
        "domain": {},
        "version": "3.6.21",
    }


# ---- the action server ------------------------------------------------------------------


def test_the_action_server_refuses_a_call_without_the_secret(limited):
    url = f"{limited.action_url}/webhook"
    assert requests.post(url, json=action_call(), timeout=10).status_code == 401
    wrong = {ACTION_SECRET_HEADER: limited.action_secret[:-1] + "x"}
    assert requests.post(url, json=action_call(), headers=wrong, timeout=10).status_code == 403
    assert requests.get(f"{limited.action_url}/actions", timeout=10).status_code == 401
    # the same call with the secret reaches the executor (which knows no such action)
    right = {ACTION_SECRET_HEADER: limited.action_secret}
    assert requests.post(url, json=action_call(), headers=right, timeout=10).status_code == 404
    actions = requests.get(f"{limited.action_url}/actions", headers=right, timeout=10)
    assert actions.status_code == 200 and {"name": "action_start_intake"} in actions.json()


def test_the_action_servers_health_is_open_and_says_nothing_more(limited):
    health = requests.get(f"{limited.action_url}/health", timeout=10)
    assert health.status_code == 200 and health.json() == {"status": "ok"}


def test_rasa_calls_the_action_server_with_the_secret(limited):
    """A greeting runs custom actions through the action server; its log shows no refusal."""
    replies = say(limited, f"t-{uuid.uuid4().hex[:8]}", "你好")
    assert replies and all(replies)
    log = (limited.settings.var_dir / "log" / "rasa.log").read_text(encoding="utf-8", errors="replace")
    assert "Failed to execute custom action" not in log and "ClientResponseError" not in log


def test_the_action_server_bounds_bodies_and_compressed_bodies(limited):
    url = f"{limited.action_url}/webhook"
    right = {ACTION_SECRET_HEADER: limited.action_secret, "Content-Type": "application/json"}
    padded = action_call()
    padded["tracker"]["padding"] = "x" * ACTION_BODY
    assert requests.post(url, data=json.dumps(padded), headers=right, timeout=10).status_code == 413
    # a deflate bomb: small on the wire, 100 MB once inflated
    bomb = zlib.compress(b"[" + b" " * 100_000_000 + b"]", 9)
    assert len(bomb) < ACTION_BODY
    status = requests.post(
        url, data=bomb, headers={**right, "Content-Encoding": "deflate"}, timeout=30
    ).status_code
    assert status == 413
    gz_bomb = gzip.compress(b" " * 100_000_000, 9)
    status = requests.post(
        url, data=gz_bomb, headers={**right, "Content-Encoding": "gzip"}, timeout=30
    ).status_code
    assert status == 413
    # compressed as Rasa sends it (COMPRESS_ACTION_SERVER_REQUEST): accepted
    small = zlib.compress(json.dumps(action_call()).encode())
    status = requests.post(
        url, data=small, headers={**right, "Content-Encoding": "deflate"}, timeout=10
    ).status_code
    assert status == 404  # inflated, parsed, run: no such action


def test_the_action_server_refuses_an_oversized_body_before_authentication(limited):
    """Without the secret the body is not read at all: 401 however large it claims to be."""
    response = requests.post(f"{limited.action_url}/webhook", data=b"x" * (ACTION_BODY + 1), timeout=10)
    assert response.status_code == 401


def other_addresses() -> list[str]:
    """This machine's addresses that are not loopback."""
    found = set()
    try:
        out = subprocess.run(["hostname", "-I"], capture_output=True, text=True, timeout=5).stdout
        found.update(out.split())
    except OSError:
        pass
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))  # no packet is sent: only the route is looked up
            found.add(probe.getsockname()[0])
    except OSError:
        pass
    return sorted(a for a in found if not a.startswith("127.") and a != "::1")


def test_no_service_is_reachable_on_another_interface(limited):
    addresses = other_addresses()
    if not addresses:
        pytest.skip("this machine has no address besides loopback")
    ports = {
        "action server": limited.settings.action_port,
        "Rasa server": limited.settings.rasa_port,
        "web app": limited.settings.web_port,
    }
    for name, port in ports.items():
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass  # listening on loopback...
        for address in addresses:
            family = socket.AF_INET6 if ":" in address else socket.AF_INET
            with socket.socket(family, socket.SOCK_STREAM) as client:
                client.settimeout(5)
                with pytest.raises(OSError):  # ...and refused elsewhere
                    client.connect((address, port))
                    pytest.fail(f"the {name} answers on {address}:{port}")


# ---- the Rasa server --------------------------------------------------------------------


def test_a_conversation_trips_its_rate_limit_politely_and_recovers(limited):
    sender = f"rate-{uuid.uuid4().hex[:8]}"
    started = time.monotonic()
    for _ in range(PER_CONVERSATION):
        replies = say(limited, sender, "hello")
        assert not any("faster than I can read" in r for r in replies)
    assert time.monotonic() - started < WINDOW, "too slow to trip the limit within the window"
    refused = say(limited, sender, "Our website needs an ICP filing, what do we do?")
    assert len(refused) == 1 and "faster than I can read" in refused[0] and "wait about" in refused[0]
    assert "请" not in refused[0]  # in the message's language
    assert "Our website needs an ICP filing, what do we do?" not in user_texts(limited, sender)
    zh = say(limited, sender, "我们的网站要做ICP备案吗")
    assert len(zh) == 1 and "请等待约" in zh[0]
    assert say(limited, f"other-{uuid.uuid4().hex[:8]}", "hello")  # others are not held back
    time.sleep(WINDOW + 0.5)
    replies = say(limited, sender, "hello")
    assert replies and not any("faster than I can read" in r or "请等待" in r for r in replies)


def test_an_address_trips_its_rate_limit_across_conversations_and_recovers(limited):
    address = "203.0.113.77"
    started = time.monotonic()
    for _ in range(PER_ADDRESS):
        assert not any("faster" in r for r in say(limited, f"ip-{uuid.uuid4().hex[:8]}", "hi", address))
    assert time.monotonic() - started < WINDOW, "too slow to trip the limit within the window"
    fresh = f"ip-{uuid.uuid4().hex[:8]}"
    refused = say(limited, fresh, "hi there, I have a question", address)
    assert len(refused) == 1 and "faster than I can read" in refused[0]
    assert user_texts(limited, fresh) == []  # not processed, not stored
    assert not any("faster" in r for r in say(limited, fresh, "hi", "198.51.100.8"))  # another address
    time.sleep(WINDOW + 0.5)
    assert not any("faster" in r for r in say(limited, f"ip-{uuid.uuid4().hex[:8]}", "hi", address))


async def website_session(rasa_url: str, address: str, messages: int) -> list[str]:
    """One website (socket.io over WebSocket, the widget's transport) session through a proxy
    that reports `address`: the texts of the replies to each of `messages` "hi"."""
    import websockets  # socket.io's wire protocol spoken directly (engine.io v4)

    url = rasa_url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
    async with websockets.connect(url, extra_headers={"X-Forwarded-For": address}) as ws:

        async def receive(timeout: float) -> str:
            while True:
                packet = await asyncio.wait_for(ws.recv(), timeout)
                if packet == "2":  # ping
                    await ws.send("3")
                    continue
                return packet

        assert (await receive(10)).startswith("0")  # engine.io open
        await ws.send("40")
        assert (await receive(10)).startswith("40")  # socket.io connect
        await ws.send('42["session_request",{"session_id":null}]')
        assert "session_confirm" in await receive(10)
        replies = []
        for _ in range(messages):
            await ws.send('42["user_uttered",{"message":"hi"}]')
            texts = [json.loads((await receive(30))[2:])[1].get("text", "")]
            try:
                while True:  # the rest of this turn's replies
                    texts.append(json.loads((await receive(0.7))[2:])[1].get("text", ""))
            except asyncio.TimeoutError:
                pass
            replies.append("\n".join(texts))
        return replies


def test_the_address_limit_holds_on_the_website_channel_too(limited):
    address = "203.0.113.78"
    started = time.monotonic()
    first = asyncio.run(website_session(limited.rasa_url, address, PER_CONVERSATION))
    second = asyncio.run(website_session(limited.rasa_url, address, PER_ADDRESS - PER_CONVERSATION + 1))
    assert time.monotonic() - started < WINDOW, "too slow to trip the limit within the window"
    replies = first + second
    assert not any("faster than I can read" in r for r in replies[:PER_ADDRESS])
    assert "faster than I can read" in replies[PER_ADDRESS]


@pytest.mark.parametrize(
    ("message", "expected", "absent"),
    [
        ("Our servers were encrypted by ransomware last night. " * 10, "several shorter messages", "请"),
        ("昨晚我们的服务器被勒索病毒加密了，客户数据可能泄露。" * 20, "分成几条较短的消息", "Please"),
    ],
)
def test_an_over_long_message_gets_the_polite_answer_and_is_not_processed(limited, message, expected, absent):
    assert len(message) > MAX_CHARS
    sender = f"long-{uuid.uuid4().hex[:8]}"
    replies = say(limited, sender, message)
    assert len(replies) == 1 and expected in replies[0] and absent not in replies[0]
    assert str(len(message.strip())) in replies[0] and str(MAX_CHARS) in replies[0]
    assert user_texts(limited, sender) == []
    # the same problem within the cap is processed as usual
    assert say(limited, sender, message[:MAX_CHARS]) != replies


def test_an_oversized_body_is_refused_with_413(limited):
    body = json.dumps({"sender": "big", "message": "x" * MAX_BYTES}).encode()
    response = requests.post(
        f"{limited.rasa_url}/webhooks/rest/webhook",
        data=body,
        headers={"Content-Type": "application/json"},
        timeout=10,
    )
    assert response.status_code == 413
    page = requests.post(f"{limited.web_url}/", data=b"x" * (MAX_BYTES + 1), timeout=10)
    assert page.status_code == 413


def test_no_secret_is_on_any_command_line(limited):
    commands = subprocess.run(["ps", "-eww", "-o", "args"], capture_output=True, text=True, timeout=10).stdout
    assert "bot.rasa.serve" in commands and "bot.rasa.action_server" in commands
    assert limited.api_token not in commands
    assert limited.action_secret not in commands
    endpoints = (limited.settings.var_dir / "endpoints.yml").read_text(encoding="utf-8")
    assert limited.action_secret not in endpoints and "${LAWBOT_ACTION_SECRET}" in endpoints
