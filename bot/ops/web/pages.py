"""Public pages: the demo law-platform page with the widget (Chinese at `/`, English at `/en`),
the widget's static files under `/static/`, and `/health` for the supervisor."""

from __future__ import annotations

import html
from string import Template

from aiohttp import web

from bot.ops.web.config import CONFIG, STATIC_DIR, template_path

LANGUAGES = ("zh", "en")


def _template(language: str) -> Template:
    return Template(template_path(f"demo.{language}.html").read_text(encoding="utf-8"))


def render_demo(request: web.Request, language: str) -> str:
    config = request.app[CONFIG]
    return _template(language).substitute(rasa_url=html.escape(config.rasa_url, quote=True))


async def demo_zh(request: web.Request) -> web.Response:
    language = "en" if request.query.get("lang") == "en" else "zh"
    return web.Response(text=render_demo(request, language), content_type="text/html")


async def demo_en(request: web.Request) -> web.Response:
    return web.Response(text=render_demo(request, "en"), content_type="text/html")


async def health(request: web.Request) -> web.Response:  # noqa: ARG001
    return web.json_response({"status": "ok"})


async def _no_cache_static(request: web.Request, response: web.StreamResponse) -> None:
    # The widget is small and changes with the bot: browsers revalidate (ETag/Last-Modified).
    if request.path.startswith("/static/"):
        response.headers["Cache-Control"] = "no-cache"
        # Explicit charset: the widget's Chinese text must survive pages served in GBK.
        content_type = response.headers.get("Content-Type", "")
        if content_type in ("text/javascript", "application/javascript", "text/css"):
            response.headers["Content-Type"] = f"{content_type}; charset=utf-8"


def setup(app: web.Application) -> None:
    app.router.add_get("/", demo_zh)
    app.router.add_get("/en", demo_en)
    app.router.add_get("/health", health)
    app.router.add_static("/static/", STATIC_DIR, follow_symlinks=False)
    # aiohttp 3.9's Signal annotation predates aiosignal 1.4's (a callback is taken for its argument)
    app.on_response_prepare.append(_no_cache_static)  # type: ignore[arg-type]
