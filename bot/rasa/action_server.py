"""`python -m bot.rasa.action_server [--actions actions] [--interface H] [--port N]`: the action
server, internal only.

rasa_sdk's own server (`python -m rasa_sdk`) listens on 0.0.0.0, runs any caller's action
call, inflates compressed bodies without a bound and echoes the body in its error answers.
This one runs the same actions (rasa_sdk's ActionExecutor) but:

- listens on `LAWBOT_HOST` (loopback by default) unless `--interface` says otherwise;
- answers `/webhook` and `/actions` only for a caller that sends the shared secret
  (`LAWBOT_ACTION_SECRET`, compared in constant time) in the `X-Lawbot-Action-Secret` header:
  401 without it, 403 with a wrong one, before the body is read. Rasa sends it: the
  supervisor's endpoints file names the header with the value `${LAWBOT_ACTION_SECRET}`,
  which Rasa fills in from its environment. The secret is never on a command line;
  without one the server does not start;
- reads at most `LAWBOT_MAX_REQUEST_BYTES` × BODY_FACTOR bytes of body and inflates
  deflate/gzip bodies to at most as many (413 beyond);
- `/health` answers `{"status": "ok"}` and nothing else; errors never echo the request.
"""

from __future__ import annotations

import argparse
import hmac
import json
import logging
import zlib
from typing import Any

from rasa_sdk import utils
from rasa_sdk.executor import ActionExecutor
from rasa_sdk.interfaces import ActionExecutionRejection, ActionNotFoundException
from sanic import Sanic, response
from sanic.exceptions import PayloadTooLarge
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import logfiles, triage
from bot.settings import Settings
from bot.settings import load as load_settings

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Lawbot-Action-Secret"
SECRET_ENV = "LAWBOT_ACTION_SECRET"
# Rasa sends the whole conversation session's tracker with every action call: a long session
# is far larger than any message, so the action server allows this many times the limit of
# a request from the outside. The caller has shown the secret before the body is read.
BODY_FACTOR = 16


class BodyTooLarge(Exception):
    """The body, as sent or once inflated, exceeds the limit."""


def inflate(body: bytes, encoding: str, limit: int) -> bytes:
    """The body decoded from its Content-Encoding ("", identity, deflate, gzip), never more than
    `limit` bytes (BodyTooLarge); ValueError for an unknown encoding or a corrupt body."""
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        data = body
    elif encoding in ("gzip", "x-gzip"):
        data = _inflate(body, 16 + zlib.MAX_WBITS, limit)
    elif encoding == "deflate":  # zlib-wrapped as aiohttp (Rasa) sends it, or raw
        try:
            data = _inflate(body, zlib.MAX_WBITS, limit)
        except ValueError:
            data = _inflate(body, -zlib.MAX_WBITS, limit)
    else:
        raise ValueError(f"unsupported Content-Encoding {encoding!r}")
    if len(data) > limit:
        raise BodyTooLarge
    return data


def _inflate(body: bytes, wbits: int, limit: int) -> bytes:
    inflater = zlib.decompressobj(wbits)
    try:
        data = inflater.decompress(body, limit + 1)
    except zlib.error as error:
        raise ValueError("corrupt compressed body") from error
    if inflater.unconsumed_tail or len(data) > limit:
        raise BodyTooLarge
    if not inflater.eof:
        raise ValueError("truncated compressed body")
    return data


def authorized(request: Request, secret: str) -> HTTPResponse | None:
    """None when the request carries the secret, else the 401/403 answer."""
    given = request.headers.get(SECRET_HEADER)
    if not given:
        return response.json({"error": "authentication required"}, status=401)
    if not hmac.compare_digest(given.encode("utf-8"), secret.encode("utf-8")):
        return response.json({"error": "forbidden"}, status=403)
    return None


async def read_body(request: Request, limit: int) -> bytes:
    """The raw body of a streaming route, at most `limit` bytes (BodyTooLarge)."""
    declared = request.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge
    assert request.stream is not None
    request.stream.request_max_size = limit  # Sanic lifts it for streaming routes
    chunks: list[bytes] = []
    try:
        async for chunk in request.stream:
            chunks.append(chunk)
    except PayloadTooLarge as error:
        raise BodyTooLarge from error
    return b"".join(chunks)


def create_app(actions: str, secret: str, max_body: int) -> Sanic:
    """The action server's app: rasa_sdk's executor behind the secret and the size limits."""
    if not secret:
        raise ValueError(f"no action secret: set {SECRET_ENV}")
    app = Sanic("lawbot_actions", configure_logging=False)
    app.config.REQUEST_MAX_SIZE = max_body
    executor = ActionExecutor()
    executor.register_package(actions)

    @app.get("/health")
    async def health(_: Request) -> HTTPResponse:
        return response.json({"status": "ok"})

    @app.post("/webhook", stream=True)
    async def webhook(request: Request) -> HTTPResponse:
        refused = authorized(request, secret)
        if refused:
            return refused
        try:
            body = inflate(
                await read_body(request, max_body), request.headers.get("Content-Encoding", ""), max_body
            )
            action_call: Any = json.loads(body)
        except BodyTooLarge:
            return response.json({"error": "request body too large"}, status=413)
        except ValueError:  # a bad encoding, or not JSON
            return response.json({"error": "invalid body"}, status=400)
        if not isinstance(action_call, dict):
            return response.json({"error": "invalid body"}, status=400)
        utils.check_version_compatibility(action_call.get("version"))
        try:
            result = await executor.run(action_call)
        except ActionExecutionRejection as e:
            logger.debug(e)
            return response.json({"error": e.message, "action_name": e.action_name}, status=400)
        except ActionNotFoundException as e:
            logger.error(e)
            return response.json({"error": e.message, "action_name": e.action_name}, status=404)
        return response.json(result, status=200)

    @app.get("/actions")
    async def list_actions(request: Request) -> HTTPResponse:
        return authorized(request, secret) or response.json([{"name": k} for k in executor.actions])

    @app.exception(Exception)  # type: ignore[untyped-decorator,no-untyped-call]  # sanic is untyped
    async def on_error(request: Request, exception: Exception) -> HTTPResponse:
        status = getattr(exception, "status_code", 500)
        if status >= 500:  # the request (a conversation) is never logged nor echoed
            logger.error("action server error on %s %s", request.method, request.path, exc_info=exception)
            return response.json({"error": "internal error"}, status=500)
        return response.json({"error": str(exception)}, status=status)

    return app


def max_body(settings: Settings) -> int:
    return settings.max_request_bytes * BODY_FACTOR


def warm_knowledge() -> None:
    """Reads the knowledge files (topics, intake texts, sources, glossary, prefill vocabularies)
    now: each is read once, at first use, which made the first conversation after a start
    wait about a second (docs/performance.md)."""
    from bot import glossary, intake, prefill, sources, topics

    for code, topic in topics.all_topics().items():
        topic.information("en")
        prefill.prefill(code, "三天内 about 20,000 users", language="en")
    intake.texts()
    sources.sources()
    glossary.explain(["PIPL"], "en")


def main(argv: list[str] | None = None) -> None:
    settings = load_settings()
    parser = argparse.ArgumentParser(prog="python -m bot.rasa.action_server", description=__doc__)
    parser.add_argument("--actions", default="actions", help="the package of the actions")
    parser.add_argument("--interface", default=settings.host, help="interface (env LAWBOT_HOST)")
    parser.add_argument("--port", type=int, default=settings.action_port, help="port (env ACTION_PORT)")
    args = parser.parse_args(argv)
    if not settings.action_secret:
        parser.error(f"no action secret: set {SECRET_ENV} (the supervisor makes one per start)")
    utils.configure_colored_logging("INFO")
    utils.update_sanic_log_level()
    logfiles.install_masking()  # phones and emails never reach the log file
    app = create_app(args.actions, settings.action_secret, max_body(settings))
    triage.warm()  # trained now, not at a user's first message (a few seconds)
    warm_knowledge()
    logger.info("Action server on http://%s:%s", args.interface, args.port)
    app.run(args.interface, args.port, workers=1, access_log=False)


if __name__ == "__main__":
    main()
