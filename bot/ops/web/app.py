"""The web app: application factory and the cross-cutting middleware.

Each part of the site is a module with a `setup(app)` that adds its routes (`pages`: the
demo page, the widget's static files, `/health`). The staff console will be one more such
module, added in `create_app()`. Configuration and file locations are in `config`.
"""

from __future__ import annotations

from aiohttp import web
from aiohttp.typedefs import Handler

from bot.ops.web.config import CONFIG, WebConfig
from bot.ops.web.pages import setup as setup_pages
from bot.ops.web.staff import setup as setup_staff


@web.middleware
async def limit_body(request: web.Request, handler: Handler) -> web.StreamResponse:
    """413 for a declared body over the limit, whether or not the handler reads it (a body
    sent without a length is cut at the same limit when read: client_max_size)."""
    limit = request.app[CONFIG].max_request_bytes
    if request.content_length is not None and request.content_length > limit:
        raise web.HTTPRequestEntityTooLarge(max_size=limit, actual_size=request.content_length)
    return await handler(request)


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
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
    config = config or WebConfig.from_settings()
    config.rasa_origins  # noqa: B018  (validates the URL at start-up, not on the first request)
    app = web.Application(  # aiohttp refuses a body of client_max_size bytes or more
        middlewares=[limit_body, security_headers], client_max_size=config.max_request_bytes + 1
    )
    app[CONFIG] = config
    setup_pages(app)
    setup_staff(app)
    return app
