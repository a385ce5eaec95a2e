"""The web app (`python -m bot.ops.web`) without a browser: pages, static files, headers."""

from __future__ import annotations

import asyncio

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.ops.web import WebConfig, create_app

RASA = "http://rasa.example:5005"


def fetch(path: str, config: WebConfig | None = None):
    """(status, headers, body text) of a GET on a fresh app."""

    async def go():
        app = create_app(config or WebConfig(rasa_url=RASA))
        async with TestClient(TestServer(app)) as client:
            response = await client.get(path)
            return response.status, response.headers, await response.text()

    return asyncio.run(go())


def test_health():
    status, _, body = fetch("/health")
    assert status == 200 and "ok" in body


@pytest.mark.parametrize(
    ("path", "lang", "switch"), [("/", "zh-CN", 'href="/en"'), ("/en", "en", 'href="/"')]
)
def test_the_demo_page_embeds_the_widget_with_one_script_tag(path, lang, switch):
    status, headers, body = fetch(path)
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert f'<html lang="{lang}">' in body
    assert switch in body  # the language switch
    assert body.count('src="/static/lawbot-widget.js"') == 1
    assert f'data-server-url="{RASA}"' in body
    assert f'data-language="{lang[:2]}"' in body


def test_pages_send_a_content_security_policy_that_allows_only_the_rasa_server():
    _, headers, _ = fetch("/")
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self';" in csp
    assert "connect-src 'self' http://rasa.example:5005 ws://rasa.example:5005;" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_an_https_rasa_server_is_reached_over_wss():
    _, headers, _ = fetch("/", WebConfig(rasa_url="https://bot.example"))
    assert "https://bot.example wss://bot.example" in headers["Content-Security-Policy"]


def test_the_rasa_url_is_escaped_in_the_page():
    _, _, body = fetch("/", WebConfig(rasa_url='http://x.example/"><script>'))
    assert "<script>" not in body.split("lawbot-widget.js")[1]
    assert "&quot;&gt;&lt;script&gt;" in body


def test_a_rasa_url_that_is_not_http_is_refused_at_start():
    with pytest.raises(ValueError):
        create_app(WebConfig(rasa_url="javascript:alert(1)"))


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/static/lawbot-widget.js", "text/javascript; charset=utf-8"),
        ("/static/lawbot-widget.css", "text/css; charset=utf-8"),
        ("/static/vendor/socket.io.min.js", "text/javascript; charset=utf-8"),
    ],
)
def test_the_widget_files_are_served_by_the_app_itself(path, content_type):
    status, headers, body = fetch(path)
    assert status == 200 and headers["Content-Type"] == content_type
    assert headers["Cache-Control"] == "no-cache"
    assert body


def test_the_vendored_socket_io_client_speaks_the_servers_protocol():
    # python-socketio 5 / python-engineio 4 (Rasa 3.6) pair with socket.io-client 4.
    _, _, body = fetch("/static/vendor/socket.io.min.js")
    assert body.lstrip().startswith("/*!\n * Socket.IO v4.")


def test_files_outside_the_static_folder_are_not_served():
    status, _, _ = fetch("/static/../bot/settings.py")
    assert status == 404
    status, _, _ = fetch("/static/%2e%2e/%2e%2e/pyproject.toml")
    assert status in (403, 404)


def test_the_widget_never_inserts_html():
    from bot.ops.web.config import STATIC_DIR

    source = (STATIC_DIR / "lawbot-widget.js").read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in source
    assert 'rel: "noopener noreferrer"' in source


def post(path: str, body: bytes, config: WebConfig, chunked: bool = False):
    """(status) of a POST with `body` (sent with a Content-Length, or chunked without one)."""

    async def go():
        app = create_app(config)
        app.router.add_post("/echo-size", echo_size)
        async with TestClient(TestServer(app)) as client:

            async def chunks():
                for start in range(0, len(body), 4096):
                    yield body[start : start + 4096]

            response = await client.post(path, data=chunks() if chunked else body)
            return response.status

    return asyncio.run(go())


async def echo_size(request):
    from aiohttp import web

    return web.Response(text=str(len(await request.read())))


@pytest.mark.parametrize("path", ["/", "/health", "/echo-size"])
def test_a_body_over_the_limit_is_refused_with_413_on_every_route(path):
    config = WebConfig(rasa_url=RASA, max_request_bytes=10_000)
    assert post(path, b"x" * 10_001, config) == 413
    assert post(path, b"x" * 10_000, config) in (200, 405)


def test_a_chunked_body_without_a_length_is_cut_at_the_limit_when_read():
    config = WebConfig(rasa_url=RASA, max_request_bytes=10_000)
    assert post("/echo-size", b"x" * 50_000, config, chunked=True) == 413
    assert post("/echo-size", b"x" * 5_000, config, chunked=True) == 200


def test_the_limit_comes_from_the_settings(monkeypatch):
    monkeypatch.setenv("LAWBOT_MAX_REQUEST_BYTES", "1234")
    assert WebConfig.from_settings().max_request_bytes == 1234
