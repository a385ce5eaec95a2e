"""Admins only: the audit of who viewed, exported or changed which lead (/staff/audit)."""

from __future__ import annotations

from aiohttp import web

from bot import db, staff
from bot.ops.web.staff.render import config, page, user

PER_PAGE = 100


async def audit_page(request: web.Request) -> web.Response:
    signed = user(request)
    if signed is None or not signed.admin:
        return page(request, "message.html", status=403, message_key="forbidden")
    try:
        number = max(1, int(request.query.get("page", "1")))
    except ValueError:
        number = 1
    with db.session_scope(config(request).database_url) as session:
        entries, total = staff.audit_page(session, number, PER_PAGE)
        rows = [entry.to_dict() for entry in entries]
    return page(
        request, "audit.html", rows=rows, number=number, pages=max(1, -(-total // PER_PAGE)), total=total
    )


def setup(app: web.Application) -> None:
    app.router.add_get("/staff/audit", audit_page)
