"""The web app: application factory, configuration, and the cross-cutting middleware.

Each part of the site is a module with a `setup(app)` that adds its routes (`pages`: the
demo page, the widget's static files, `/health`). The staff console will be one more such
module, added in `create_app()`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from aiohttp import web

from bot.settings import PROJECT_ROOT

WEB_ROOT = PROJECT_ROOT / "web"
STATIC_DIR = WEB_ROOT / "static"
TEMPLATE_DIR = WEB_ROOT / "templates"


@dataclass(frozen=True)
class WebConfig:
    host: str = "127.0.0.1"
    port: int = 8000
    # The Rasa server as the visitor's browser reaches it (socket.io channel).
    rasa_url: str = "http://127.0.0.1:5005"

    @classmethod
    def from_env(cls) -> WebConfig:
        return cls(
            host=os.environ.get("LAWBOT_HOST", "127.0.0.1"),
            port=int(os.environ.get("WEB_PORT", "8000")),
            rasa_url=os.environ.get("RASA_PUBLIC_URL", "http://127.0.0.1:5005").rstrip("/"),
        )

    @property
    def rasa_origins(self) -> list[str]:
        """The Rasa server's origin for HTTP (long-polling) and WebSocket, for the CSP."""
        parts = urlsplit(self.rasa_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"RASA_PUBLIC_URL must be an http(s) URL, not {self.rasa_url!r}")
        ws = "wss" if parts.scheme == "https" else "ws"
        return [f"{parts.scheme}://{parts.netloc}", f"{ws}://{parts.netloc}"]


CONFIG = web.AppKey("config", WebConfig)


@web.middleware
async def security_headers(request: web.Request, handler) -> web.StreamResponse:
    response = await handler(request)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    if response.content_type == "text/html":
        config = request.app[CONFIG]
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            f"connect-src 'self' {' '.join(config.rasa_origins)}; "
            "frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
        )
        response.headers.setdefault("X-Frame-Options", "DENY")
    return response


def create_app(config: WebConfig | None = None) -> web.Application:
    from bot.ops.web import pages

    config = config or WebConfig.from_env()
    config.rasa_origins  # noqa: B018  (validates the URL at start-up, not on the first request)
    app = web.Application(middlewares=[security_headers])
    app[CONFIG] = config
    pages.setup(app)
    return app


def template_path(name: str) -> Path:
    return TEMPLATE_DIR / name
