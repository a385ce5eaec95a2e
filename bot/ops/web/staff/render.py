"""The staff console's pages: Jinja2 templates (web/templates/staff/, autoescaped: whatever a
user typed is shown as text, never as HTML), the texts in both languages
(bot/knowledge/staff.yml), the language chosen (cookie `staff_lang`, Chinese by default), and
where the console finds its databases (`STAFF`)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Callable

import yaml
from aiohttp import web
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from bot.ops.web.config import TEMPLATE_DIR
from bot.ops.web.staff.csrf import token as csrf_token
from bot.staff import SignedIn

LANGUAGES = ("zh", "en")
LANG_COOKIE = "staff_lang"
TEXTS_FILE = Path(__file__).resolve().parents[3] / "knowledge" / "staff.yml"


@dataclass(frozen=True)
class StaffConfig:
    database_url: str
    tracker_store_url: str


STAFF = web.AppKey("staff", StaffConfig)
# The signed-in staff member of a request (set by the guard in `auth`).
USER = "staff_user"


@cache
def texts() -> dict[str, dict[str, str]]:
    loaded: dict[str, dict[str, str]] = yaml.safe_load(TEXTS_FILE.read_text(encoding="utf-8"))
    return loaded


@cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(str(TEMPLATE_DIR / "staff")),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def language(request: web.Request) -> str:
    chosen = request.cookies.get(LANG_COOKIE, "zh")
    return chosen if chosen in LANGUAGES else "zh"


def translator(lang: str) -> Callable[..., str]:
    def t(key: str, **values: Any) -> str:
        text = texts()[key][lang]
        return text.format(**values) if values else text

    return t


def user(request: web.Request) -> SignedIn | None:
    signed: SignedIn | None = request.get(USER)
    return signed


def page(request: web.Request, template: str, status: int = 200, **context: Any) -> web.Response:
    lang = language(request)
    signed = user(request)
    html = (
        _environment()
        .get_template(template)
        .render(
            t=translator(lang),
            lang=lang,
            user=signed,
            csrf=csrf_token(signed.csrf) if signed else "",
            here=request.path_qs,
            **context,
        )
    )
    return web.Response(text=html, status=status, content_type="text/html")


def config(request: web.Request) -> StaffConfig:
    return request.app[STAFF]
