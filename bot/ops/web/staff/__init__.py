"""The intake staff console under /staff on the web app: sign-in (`auth`; sessions through
aiohttp-session stored by `sessions`, CSRF tokens by itsdangerous in `csrf`), the lead queue and
a lead's page (`leads`), the actions on a lead (`actions`), the audit log for admins (`admin`), the conversations
that did not become leads (`conversations`) and the figures (`dashboard`).
Pages are rendered by `render` from web/templates/staff/ with the texts of
bot/knowledge/staff.yml; accounts, sessions and the audit are bot/staff.py, the queue
bot/staff_queue.py, transcripts bot/staff_transcript.py."""

from __future__ import annotations

from aiohttp import web

from bot.ops.web.staff import actions, admin, auth, conversations, dashboard, leads
from bot.ops.web.staff.render import STAFF, StaffConfig
from bot.settings import load as load_settings


def setup(
    app: web.Application, database_url: str | None = None, tracker_store_url: str | None = None
) -> None:
    """Adds the console; the databases default to the configured ones (Settings)."""
    if database_url is None or tracker_store_url is None:
        settings = load_settings()
        database_url = database_url or settings.database_url
        tracker_store_url = tracker_store_url or settings.tracker_store_url
    app[STAFF] = StaffConfig(database_url=database_url, tracker_store_url=tracker_store_url)
    auth.setup(app)
    leads.setup(app)
    actions.setup(app)
    admin.setup(app)
    conversations.setup(app)
    dashboard.setup(app)


__all__ = ["StaffConfig", "setup"]
