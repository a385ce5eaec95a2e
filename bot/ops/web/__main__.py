"""`python -m bot.ops.web [--host H] [--port N] [--rasa-url URL]`: serves the widget and its demo page."""

from __future__ import annotations

import argparse
import logging

from aiohttp import web

from bot.ops.web.app import create_app
from bot.ops.web.config import WebConfig


def main(argv: list[str] | None = None) -> None:
    defaults = WebConfig.from_settings()
    parser = argparse.ArgumentParser(prog="python -m bot.ops.web", description=__doc__)
    parser.add_argument("--host", default=defaults.host, help="interface (env LAWBOT_HOST)")
    parser.add_argument("--port", type=int, default=defaults.port, help="port (env WEB_PORT)")
    parser.add_argument(
        "--rasa-url",
        default=defaults.rasa_url,
        help="the Rasa server as browsers reach it (env RASA_PUBLIC_URL)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    config = WebConfig(
        host=args.host, port=args.port, rasa_url=args.rasa_url, max_request_bytes=defaults.max_request_bytes
    )
    web.run_app(
        create_app(config),
        host=config.host,
        port=config.port,
        print=lambda _: print(
            f"web app: http://{config.host}:{config.port}/ (Rasa: {config.rasa_url})", flush=True
        ),
    )


if __name__ == "__main__":
    main()
