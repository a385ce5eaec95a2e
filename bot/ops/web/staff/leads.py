"""The lead queue (/staff/leads), its CSV export (/staff/leads.csv) and a lead's page
(/staff/leads/<id>) with the transcript, matches, deliveries and history. Viewing a lead and
exporting are written to the staff audit (bot/staff.py), and so is every page of the queue
opened (`queue`: which page of which filters; a search's words are not kept, they may be a
name or a phone number, only that there was one)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from aiohttp import web

from bot import db, leads, staff, staff_queue, staff_transcript, topics
from bot.delivery import outbox
from bot.firms import Firm
from bot.ops.web.staff.render import config, page, user

URGENCIES = ("high", "normal")


def topic_codes() -> list[str]:
    return sorted([path.stem for path in topics.TOPICS_DIR.glob("*.yml")] + [topics.OUT_OF_SCOPE])


def _signed(request: web.Request) -> staff.SignedIn:
    signed = user(request)
    assert signed is not None  # the guard let the request through
    return signed


async def home(request: web.Request) -> web.StreamResponse:  # noqa: ARG001
    raise web.HTTPSeeOther("/staff/leads")


def _queue_detail(query: staff_queue.Query, shown: int) -> dict[str, Any]:
    """What the audit keeps of a queue page: the filters and page, not the search's words."""
    filters = {key: value for key, value in query.params().items() if key not in ("q", "page")}
    return {"page": query.page, "filters": filters, "search": bool(query.q), "shown": shown}


async def queue_page(request: web.Request) -> web.Response:
    query = staff_queue.Query.from_params(request.query)
    with db.session_scope(config(request).database_url) as session:
        result = staff_queue.queue(session, query)
        found = staff_queue.choices(session)
        rows = [(lead.to_dict(), result.flags.get(lead.id, [])) for lead in result.leads]
        staff.record(session, _signed(request), "queue", detail=_queue_detail(query, len(rows)))
    found["topic"] = sorted(set(found["topic"]) | set(topic_codes()))
    found["urgency"] = sorted(set(found["urgency"]) | set(URGENCIES))
    found["status"] = sorted(set(found["status"]) | set(leads.STATUSES))
    return page(
        request,
        "leads.html",
        query=query,
        result=result,
        rows=rows,
        choices=found,
        window=staff_queue.SEARCH_WINDOW,
        link=lambda **changes: query.params(**changes),
    )


async def queue_csv(request: web.Request) -> web.Response:
    query = staff_queue.Query.from_params(request.query)
    with db.session_scope(config(request).database_url) as session:
        chosen = staff_queue.all_filtered(session, query)
        body = leads.export(chosen, "csv")
        used = sorted(key for key in query.params() if key != "page")
        staff.record(session, _signed(request), "export", detail={"leads": len(chosen), "filters": used})
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M")
    return web.Response(
        body=body.encode("utf-8-sig"),  # with a BOM: spreadsheets then read the Chinese as UTF-8
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="leads-{stamp}.csv"'},
    )


def _firm_names(session: Any, ids: set[int]) -> dict[int, str]:
    return {firm.id: firm.name for firm in session.query(Firm).filter(Firm.id.in_(ids))} if ids else {}


async def lead_page(request: web.Request) -> web.Response:
    lead_id = request.match_info["lead_id"]
    settings = config(request)
    with db.session_scope(settings.database_url) as session:
        lead = leads.find(session, lead_id)
        if lead is None:
            return page(request, "message.html", status=404, message_key="not_found")
        shown = lead.to_dict()
        history = leads.events(session, lead)
        deliveries = [row.to_dict() for row in outbox.listing(session, lead_id=lead.id)]
        notices = [
            row.to_dict() for row in outbox.notices_for(session, lead.id, {d["firm_id"] for d in deliveries})
        ]
        firms = _firm_names(session, {row["firm_id"] for row in deliveries})
        # The firms the lead can be withdrawn from: those it was meant for and not yet withdrawn.
        withdrawn = {row["firm_id"] for row in notices}
        withdrawable = sorted({d["firm_id"] for d in deliveries if d["status"] != "cancelled"} - withdrawn)
        contacted = bool(staff_queue.contacted_ids(session, [lead.id]))
        flags = staff_queue.needs_action(session, [lead])[lead.id]
        staff.record(session, _signed(request), "view", lead_id=lead.id)
    transcript = staff_transcript.read(settings.tracker_store_url, shown["conversation_id"])
    return page(
        request,
        "lead.html",
        lead=shown,
        history=history,
        deliveries=deliveries,
        notices=notices,
        withdrawable=withdrawable,
        firms=firms,
        contacted=contacted,
        flags=flags,
        transcript=transcript,
        topics=topic_codes(),
        urgencies=URGENCIES,
        statuses=leads.STATUSES,
    )


def setup(app: web.Application) -> None:
    app.router.add_get("/staff", home)
    app.router.add_get("/staff/", home)
    app.router.add_get("/staff/leads", queue_page)
    app.router.add_get("/staff/leads.csv", queue_csv)
    app.router.add_get("/staff/leads/{lead_id}", lead_page)
