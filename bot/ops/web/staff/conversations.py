"""Conversations that did not become leads (/staff/conversations): where people stopped, so
staff and the team see where they drop off. Read from the tracker store: which conversations
exist and their last step (the last action the bot took before waiting, a plain column) come
from SQL; only the last bot message of each conversation on the page is decrypted. What the
user typed is not shown here (a conversation without a lead has no consent to be read)."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from aiohttp import web
from sqlalchemy import bindparam, select, text
from sqlalchemy.engine import Connection

from bot import crypto, db
from bot.leads import Lead
from bot.ops.web.staff.render import config, page

PER_PAGE = 50
# Rasa's bookkeeping actions: not a step of the conversation.
BOOKKEEPING = ("action_listen", "action_session_start", "action_extract_slots", "action_unlikely_intent")


def _last_steps(connection: Connection, senders: list[str] | None) -> dict[str, str]:
    where = "" if senders is None else " and sender_id in :senders"
    statement = text(
        "select e.sender_id, e.action_name from events e join (select sender_id as s, max(id) as m from events"
        f" where type_name = 'action' and action_name not in :skip{where} group by sender_id) last"
        " on e.id = last.m"
    ).bindparams(bindparam("skip", expanding=True))
    params: dict[str, Any] = {"skip": list(BOOKKEEPING)}
    if senders is not None:
        statement = statement.bindparams(bindparam("senders", expanding=True))
        params["senders"] = senders
    return {str(s): str(a) for s, a in connection.execute(statement, params)}


def _last_bot_texts(connection: Connection, senders: list[str]) -> dict[str, str]:
    statement = text(
        "select e.sender_id, e.data from events e join (select sender_id as s, max(id) as m from events"
        " where type_name = 'bot' and sender_id in :senders group by sender_id) last on e.id = last.m"
    ).bindparams(bindparam("senders", expanding=True))
    found, box = {}, crypto.fernet()
    for sender, data in connection.execute(statement, {"senders": senders}):
        try:
            found[str(sender)] = str(json.loads(crypto.decrypt_event_data(data, box)).get("text") or "")
        except ValueError:
            found[str(sender)] = ""
    return found


def dropped(tracker_store_url: str, with_leads: set[str], number: int) -> dict[str, Any]:
    """One page of conversations without a lead, newest activity first, and the drop-off count
    per last step over all of them."""
    empty: dict[str, Any] = {"rows": [], "total": 0, "steps": []}
    if tracker_store_url.startswith("sqlite:///") and not Path(tracker_store_url[10:]).exists():
        return empty
    engine = db.make_engine(tracker_store_url)
    try:
        with engine.connect() as connection:
            if not engine.dialect.has_table(connection, "events"):
                return empty
            listed = connection.execute(
                text(
                    "select sender_id, max(timestamp), sum(case when type_name = 'user' then 1 else 0 end)"
                    " from events group by sender_id order by max(timestamp) desc"
                )
            ).all()
            without = [row for row in listed if row[0] not in with_leads]
            shown = without[(number - 1) * PER_PAGE : number * PER_PAGE]
            senders = [str(row[0]) for row in shown]
            every_step = _last_steps(connection, None)
            steps = Counter(every_step.get(str(row[0]), "-") for row in without)
            bot_texts = _last_bot_texts(connection, senders) if senders else {}
    finally:
        engine.dispose()
    rows = [
        {
            "id": sender,
            "last": datetime.fromtimestamp(float(last or 0), timezone.utc).isoformat(timespec="seconds"),
            "said": int(said or 0),
            "step": every_step.get(sender, "-"),
            "bot": bot_texts.get(sender, ""),
        }
        for sender, last, said in ((str(r[0]), r[1], r[2]) for r in shown)
    ]
    return {"rows": rows, "total": len(without), "steps": steps.most_common()}


async def conversations_page(request: web.Request) -> web.Response:
    try:
        number = max(1, int(request.query.get("page", "1")))
    except ValueError:
        number = 1
    settings = config(request)
    with db.session_scope(settings.database_url) as session:
        with_leads = {str(row[0]) for row in session.execute(select(Lead.conversation_id).distinct())}
    found = dropped(settings.tracker_store_url, with_leads, number)
    pages = max(1, -(-found["total"] // PER_PAGE))
    return page(request, "conversations.html", number=number, pages=pages, **found)


def setup(app: web.Application) -> None:
    app.router.add_get("/staff/conversations", conversations_page)
