"""`python -m bot.rasa.serve --model M --endpoints E --credentials C [--interface H] [--port N]`:
the Rasa server (what `rasa run --enable-api` does), with the assistant's guards.
Longer than 300 lines: the guards (limits, the client's address behind a proxy, failed actions)
and the start they wrap belong together.

- The HTTP API's token comes from the environment (`RASA_API_TOKEN`), never from the command
  line, where every user of the machine could read it (`ps`).
- It listens on `LAWBOT_HOST` (loopback by default) unless `--interface` says otherwise. The
  widget, Telegram and WeChat reach it through a reverse proxy in production; `make run` serves
  the widget's page on the same host, so a browser on this machine reaches both. To listen on
  every interface, set `LAWBOT_HOST=0.0.0.0` (every service then listens there; the action
  server still requires its secret).
- Request bodies are limited to `LAWBOT_MAX_REQUEST_BYTES` (Sanic's default is 100 MB), and
  WebSocket frames as well.
- Every channel's messages pass `bot.limits.Limits` before the bot sees them: at most
  `LAWBOT_MESSAGES_PER_MINUTE` per conversation and `LAWBOT_IP_MESSAGES_PER_MINUTE` per client
  address, and `LAWBOT_MAX_MESSAGE_CHARS` characters. A refused message is answered politely
  on its own channel (wait / shorten or split) and neither processed nor stored.

The client address is the peer's; when the peer is a trusted proxy (this machine's loopback,
e.g. `make run-production`'s nginx, or an address or network in `LAWBOT_TRUSTED_PROXIES`), it
is the nearest address in the request's `X-Forwarded-For` that is not itself a trusted proxy
(the earlier ones were written by the client and may be forged: `client_address`). Sanic's own
settings (`SANIC_PROXIES_COUNT`, `SANIC_REAL_IP_HEADER`, `SANIC_FORWARDED_SECRET`) still win
when set. Messages from this machine's loopback address (the tests, `make run` in a local
browser, a proxy that does not report the client) and messages a platform relays for all its
users (Telegram, WeChat) have no per-address limit; the per-conversation limit still applies
to them.

The hook sits where Rasa hands every channel its `on_new_message` (each channel's
`blueprint(on_new_message)`), so it holds for any channel, whatever its class does.

A message whose turn meets a failed custom action (the action server down, restarting or
erroring) is not half-handled: Rasa 3.6 would log the failure, drop the action's events, go on
predicting and save the tracker (or, in slot extraction, silently leave the answer unfilled),
which can leave a form asking the wrong question. Here the failure abandons the whole turn
before the tracker is saved (`ActionFailed`), so the conversation stays as it was before the
message; the replies of the turn are withdrawn where they were only collected (REST), and the
user gets a short apology in the conversation's language (both when it has none) and can send
the same message again. The same when the tracker store's database or the lock store's Redis
does not answer (bot/rasa/outages.py; Rasa would answer as if the conversation were new).
"""

from __future__ import annotations

import argparse
import contextvars
import ipaddress
import logging
import os
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

import yaml

from bot import logfiles
from bot.language import Language, conversation_language
from bot.limits import MESSAGES, Limits
from bot.rasa import speedups
from bot.rasa.outages import raise_tracker_store_errors, store_outage
from bot.settings import Settings
from bot.settings import load as load_settings

logger = logging.getLogger(__name__)

TOKEN_ENV = "RASA_API_TOKEN"
# Channels whose requests come from a platform's servers on behalf of all its users: their
# address says nothing about the sender (Rasa's names of the channels).
RELAYED_CHANNELS = frozenset({"telegram", "wechat"})

# The client address of the request being handled (set by a request middleware; messages are
# handled in the request's task or in tasks it starts, which inherit it).
CLIENT_ADDRESS: contextvars.ContextVar[str | None] = contextvars.ContextVar("client_address", default=None)

OnNewMessage = Callable[[Any], Awaitable[Any]]
# The conversation's language for a message (its tracker's `language` slot and the message).
LanguageOf = Callable[[str, str], Awaitable["Language | None"]]

_SORRY: dict[Language, str] = yaml.safe_load(MESSAGES.read_text(encoding="utf-8"))["action_failed"]["sorry"]

# Set while a channel's message is handled: a failed custom action (or a tracker store error)
# then abandons the turn.
ABANDON_ON_FAILED_ACTION: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "abandon_on_failed_action", default=False
)


class ActionFailed(BaseException):  # noqa: N818
    """A custom action call failed while a channel's message was handled. A BaseException on
    purpose: Rasa's processor catches every Exception of an action and carries on; this one
    passes through it (and its tracker save) up to the guard, which apologizes."""


def apology(language: Language | None) -> str:
    languages: tuple[Language, ...] = (language,) if language else ("zh", "en")
    return "\n\n".join(_SORRY[lang] for lang in languages)


def abandon_turns_on_failed_actions() -> None:
    """Rasa's RemoteAction.run raises ActionFailed instead of its error while a channel's
    message is handled (a form's rejection, HTTP 400, stays what it is)."""
    from rasa.core.actions.action import ActionExecutionRejection, RemoteAction

    original = RemoteAction.run
    if getattr(original, "abandons_turns", False):
        return

    async def run(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return await original(self, *args, **kwargs)
        except ActionExecutionRejection:
            raise
        except Exception as error:
            if not ABANDON_ON_FAILED_ACTION.get():
                raise
            logger.warning("action %s failed (%s); the turn is abandoned", self.name(), type(error).__name__)
            raise ActionFailed(self.name()) from error

    run.abandons_turns = True  # type: ignore[attr-defined]
    RemoteAction.run = run


def limited_address(address: str | None) -> str | None:
    """The address the per-address limit counts, None for none (unknown or loopback)."""
    if not address:
        return None
    try:
        ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return address
    mapped = ip.ipv4_mapped if isinstance(ip, ipaddress.IPv6Address) else None
    return None if (mapped or ip).is_loopback else address


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        ip = ipaddress.ip_address(text.strip().split("%")[0])
    except ValueError:
        return None
    mapped = ip.ipv4_mapped if isinstance(ip, ipaddress.IPv6Address) else None
    return mapped or ip


Networks = tuple["ipaddress.IPv4Network | ipaddress.IPv6Network", ...]


def trusted_networks(proxies: tuple[str, ...]) -> Networks:
    """LAWBOT_TRUSTED_PROXIES as networks (a bad entry fails at start, not on a request)."""
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _trusted(address: str, networks: Networks) -> bool:
    ip = _ip(address)
    return ip is not None and (ip.is_loopback or any(ip in network for network in networks))


def client_address(peer: str | None, forwarded_for: str | None, trusted: Networks = ()) -> str | None:
    """The client's address: the peer's, or, when the peer is a trusted proxy (loopback or one
    of `trusted`), the rightmost address of X-Forwarded-For that is not a trusted proxy: each
    proxy appends the address it was reached from, so that one was written by our proxy, and
    the ones before it by whoever sent the request (a client can forge those)."""
    if not peer or not forwarded_for or not _trusted(peer, trusted):
        return peer or None
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, trusted):
            return hop
    return hops[0] if hops else peer  # proxies all the way: this machine


async def _language_of_text(sender_id: str, text: str) -> Language | None:  # noqa: ARG001
    return conversation_language(None, text)


def guard(
    on_new_message: OnNewMessage, limits: Limits, relayed: bool, language_of: LanguageOf = _language_of_text
) -> OnNewMessage:
    """`on_new_message` behind the limits: a refused message gets the polite answer instead;
    a turn abandoned on a failed action gets the apology."""

    async def guarded(message: Any) -> Any:
        address = None if relayed else limited_address(CLIENT_ADDRESS.get())
        refusal = limits.check(str(message.sender_id), address, message.text)
        if refusal is None:
            return await handle(message)
        logger.info("message not passed on: %s", refusal.reason)  # no ids, no text
        await answer(message, refusal.answer(message.text))
        return None

    async def handle(message: Any) -> Any:
        collected = getattr(message.output_channel, "messages", None)
        before = len(collected) if isinstance(collected, list) else 0
        token = ABANDON_ON_FAILED_ACTION.set(True)
        try:
            return await on_new_message(message)
        except ActionFailed:
            pass
        except Exception as error:
            if not store_outage(error):
                raise
            logger.warning("a store did not answer (%s); the turn is abandoned", type(error).__name__)
        finally:
            ABANDON_ON_FAILED_ACTION.reset(token)
        if isinstance(collected, list):
            del collected[before:]  # the abandoned turn's replies, not yet sent
        try:
            language = await language_of(str(message.sender_id), message.text or "")
        except Exception:  # noqa: BLE001 - the tracker store may be failing too
            language = None
        await answer(message, apology(language))
        return None

    return guarded


async def answer(message: Any, text: str) -> None:
    try:
        await message.output_channel.send_response(message.sender_id, {"text": text})
    except Exception:  # noqa: BLE001 - the channel's own failure, as for any reply
        logger.warning("could not send the guard's answer to a message", exc_info=True)


def guard_channels(
    input_channels: list[Any], limits: Limits, language_of: LanguageOf = _language_of_text
) -> None:
    """Each channel's blueprint gets the guarded handler, whatever its class."""
    for channel in input_channels:
        blueprint = channel.blueprint
        relayed = channel.name() in RELAYED_CHANNELS

        def guarded_blueprint(on_new_message: OnNewMessage, _bp: Any = blueprint, _r: bool = relayed) -> Any:
            return _bp(guard(on_new_message, limits, _r, language_of))

        channel.blueprint = guarded_blueprint


def configure(app: Any, settings: Settings) -> None:
    """Request size limits and the client-address middleware on Rasa's app."""
    app.config.REQUEST_MAX_SIZE = settings.max_request_bytes
    app.config.WEBSOCKET_MAX_SIZE = min(app.config.WEBSOCKET_MAX_SIZE, settings.max_request_bytes)

    trusted = trusted_networks(settings.trusted_proxies)

    async def remember_client_address(request: Any) -> None:
        forwarded = request.headers.get("x-forwarded-for")
        CLIENT_ADDRESS.set(request.remote_addr or client_address(request.ip or None, forwarded, trusted))

    app.register_middleware(remember_client_address, "request")


async def warm_up(app: Any, *_: Any) -> None:
    """Parses a message before the server answers: the first parse builds TensorFlow's graph
    and the command rules (seconds), which a user's first message would otherwise wait for."""
    agent = getattr(app.ctx, "agent", None)
    if agent is None or not agent.is_ready():
        return
    try:
        await agent.parse_message("你好，请问 hello")
    except Exception:  # noqa: BLE001 - only a warm-up: the server answers all the same
        logger.warning("the warm-up parse failed", exc_info=True)


def serve(args: argparse.Namespace, settings: Settings) -> None:
    """rasa.core.run.serve_application, with the token from the environment and the guards."""
    import rasa.core.utils
    import rasa.utils.common
    from rasa.core.run import close_resources, configure_app, create_http_input_channels, load_agent_on_start
    from rasa.core.utils import AvailableEndpoints

    endpoints = AvailableEndpoints.read_endpoints(args.endpoints)
    input_channels = create_http_input_channels(None, args.credentials)
    abandon_turns_on_failed_actions()
    raise_tracker_store_errors(ABANDON_ON_FAILED_ACTION.get)
    speedups.apply()  # Rasa's per-message waste, done once (docs/performance.md)
    endpoints.action = speedups.keep_alive(endpoints.action)

    async def language_of(sender_id: str, text: str) -> Language | None:
        """The tracker's language slot, as the message may change it (the apology's language)."""
        agent = getattr(app.ctx, "agent", None)
        tracker = await agent.tracker_store.retrieve(sender_id) if agent else None
        current = tracker.get_slot("language") if tracker else None
        return conversation_language(current if current in ("en", "zh") else None, text)

    guard_channels(input_channels, Limits.from_settings(settings), language_of)
    app = configure_app(
        input_channels,
        cors=args.cors,
        auth_token=settings.rasa_api_token,
        enable_api=True,
        port=args.port,
        endpoints=endpoints,
    )
    configure(app, settings)
    app.register_listener(partial(load_agent_on_start, args.model, endpoints, None), "before_server_start")
    app.register_listener(warm_up, "before_server_start")  # after the agent is loaded
    app.register_listener(close_resources, "after_server_stop")

    async def close_action_sessions(*_: Any) -> None:
        await speedups.close_sessions(endpoints.action)

    app.register_listener(close_action_sessions, "after_server_stop")
    rasa.utils.common.update_sanic_log_level()
    logger.info("Starting Rasa server on http://%s:%s", args.interface, args.port)
    app.run(
        host=args.interface,
        port=args.port,
        backlog=int(os.environ.get("SANIC_BACKLOG", "100")),
        workers=rasa.core.utils.number_of_sanic_workers(endpoints.lock_store if endpoints else None),
    )


def main(argv: list[str] | None = None) -> None:
    settings = load_settings()
    parser = argparse.ArgumentParser(prog="python -m bot.rasa.serve", description=__doc__.split("\n")[0])
    parser.add_argument("--model", default=str(settings.model_path))
    parser.add_argument("--endpoints", required=True, help="Rasa's endpoints file")
    parser.add_argument("--credentials", required=True, help="Rasa's credentials file (the channels)")
    parser.add_argument("--interface", default=settings.host, help="interface (env LAWBOT_HOST)")
    parser.add_argument("--port", type=int, default=settings.rasa_port, help="port (env RASA_PORT)")
    parser.add_argument("--cors", nargs="*", default=None, help="CORS origins")
    args = parser.parse_args(argv)
    if not settings.rasa_api_token:
        parser.error(f"no API token: set {TOKEN_ENV} (the supervisor makes one per start)")

    import rasa.utils.io
    import rasa.utils.tensorflow.environment as tf_env
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(None, None, warn_only_once=True, filter_repeated_logs=True)
    tf_env.setup_tf_environment()
    rasa.utils.io.configure_colored_logging(None)
    configure_structlog(None)
    logfiles.install_masking()  # phones and emails never reach the log file
    serve(args, settings)


if __name__ == "__main__":
    main()
