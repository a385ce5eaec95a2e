"""The dashboard (/staff/dashboard): bot/staff_dashboard.py's figures and the drop-off by step
of conversations without a lead. Charts are drawn in the browser by Chart.js, vendored into
web/static/vendor/ (`make widget-vendor`) and served from /static like the page's own script
(web/static/staff/dashboard.js), which reads the figures from a JSON data block: nothing inline,
nothing from outside the app, as the CSP demands. The tables (with SVG bars) are the text version."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy import select

from bot import db, staff_dashboard
from bot.leads import Lead
from bot.ops.web.staff.conversations import dropped
from bot.ops.web.staff.render import config, page


async def dashboard_page(request: web.Request) -> web.Response:
    settings = config(request)
    with db.session_scope(settings.database_url) as session:
        found = staff_dashboard.figures(session)
        with_leads = {str(row[0]) for row in session.execute(select(Lead.conversation_id).distinct())}
    steps = dropped(settings.tracker_store_url, with_leads, 1)["steps"][:12]
    weekly = found["weekly"]
    peak = max([1, *(n for counts in weekly["topics"].values() for n in counts)])
    return page(
        request, "dashboard.html", steps=steps, peak=peak, step_peak=max([1, *(n for _, n in steps)]), **found
    )


def setup(app: web.Application) -> None:
    app.router.add_get("/staff/dashboard", dashboard_page)
