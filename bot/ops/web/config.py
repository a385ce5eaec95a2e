"""The web app's configuration and file locations, apart from the app so that every part of
the site (`app`, `pages`, later the staff console) imports them without importing each other."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from aiohttp import web

from bot.settings import PROJECT_ROOT, Settings
from bot.settings import load as load_settings

WEB_ROOT = PROJECT_ROOT / "web"
STATIC_DIR = WEB_ROOT / "static"
TEMPLATE_DIR = WEB_ROOT / "templates"
DEFAULT_RASA_URL = "http://127.0.0.1:5005"


@dataclass(frozen=True)
class WebConfig:
    host: str = "127.0.0.1"
    port: int = 8000
    # The Rasa server as the visitor's browser reaches it (socket.io channel).
    rasa_url: str = DEFAULT_RASA_URL
    # The largest request body accepted (LAWBOT_MAX_REQUEST_BYTES); larger ones get 413.
    max_request_bytes: int = 1_000_000

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> WebConfig:
        """From Settings (LAWBOT_HOST, WEB_PORT, RASA_PUBLIC_URL, LAWBOT_MAX_REQUEST_BYTES)."""
        settings = settings or load_settings()
        return cls(
            host=settings.host,
            port=settings.web_port,
            rasa_url=settings.rasa_public_url or DEFAULT_RASA_URL,
            max_request_bytes=settings.max_request_bytes,
        )

    @property
    def rasa_origins(self) -> list[str]:
        """The Rasa server's origin for HTTP (long-polling) and WebSocket, for the CSP."""
        parts = urlsplit(self.rasa_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"RASA_PUBLIC_URL must be an http(s) URL, not {self.rasa_url!r}")
        ws = "wss" if parts.scheme == "https" else "ws"
        return [f"{parts.scheme}://{parts.netloc}", f"{ws}://{parts.netloc}"]


# Where a request's handler finds the configuration: request.app[CONFIG].
CONFIG = web.AppKey("config", WebConfig)


def template_path(name: str) -> Path:
    return TEMPLATE_DIR / name
