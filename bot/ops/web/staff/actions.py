"""What staff do to a lead from its page (every form carries the session's CSRF token, checked
by the guard in `auth`): correct the topic or urgency, change the status, add a note, mark the
person contacted, retry a failed delivery, cancel a delivery not yet made, withdraw the lead
from a firm (the firm gets a `lead.withdrawn` notice through the outbox, like an erasure
notice, if it may have received the lead). There is no action that sends a lead anywhere new:
the console only retries deliveries created when the user agreed to those firms by name.
Each is kept twice: as a lead event with who did it
(encrypted with the lead, erased with it) and as a staff audit entry without personal data.
A refused action (a status the lifecycle forbids) answers 400 and changes nothing."""

from __future__ import annotations

from typing import Callable

from aiohttp import web
from sqlalchemy.orm import Session

from bot import db, leads, staff
from bot.delivery import outbox
from bot.ops.web.staff.leads import URGENCIES, topic_codes
from bot.ops.web.staff.render import config, page, user

MAX_NOTE = 2000


def _refused(request: web.Request, reason: str) -> web.Response:
    return page(request, "message.html", status=400, message_key="refused", reason=reason)


async def act(request: web.Request) -> web.StreamResponse:
    signed = user(request)
    assert signed is not None  # the guard let the request through
    action, lead_id = request.match_info["action"], request.match_info["lead_id"]
    form = await request.post()
    with db.session_scope(config(request).database_url) as session:
        lead = leads.find(session, lead_id)
        if lead is None:
            return page(request, "message.html", status=404, message_key="not_found")
        by = {"by": signed.email}
        if action == "correct":
            field, value = str(form.get("field", "")), str(form.get("value", ""))
            allowed = {"topic": topic_codes(), "urgency": list(URGENCIES)}.get(field)
            if allowed is None or value not in allowed:
                return _refused(request, f"{field}={value}")
            before = getattr(lead, field)
            if before != value:
                change = {"field": field, "from": before, "to": value}
                setattr(lead, field, value)
                leads.record_event(session, lead, "correction", detail={**by, **change})
                staff.record(session, signed, "correct", lead_id=lead.id, detail=change)
        elif action == "status":
            status = str(form.get("status", ""))
            before = lead.status
            try:
                changed = leads.set_status(session, lead, status, detail=by)
            except ValueError as error:
                return _refused(request, str(error))
            if changed:
                staff.record(
                    session, signed, "status", lead_id=lead.id, detail={"from": before, "to": status}
                )
        elif action == "note":
            text = str(form.get("text", "")).strip()[:MAX_NOTE]
            if not text:
                return _refused(request, "empty note")
            leads.record_event(session, lead, "note", detail={**by, "text": text})
            staff.record(session, signed, "note", lead_id=lead.id)
        elif action == "contacted":
            leads.record_event(session, lead, "contacted", detail=by)
            staff.record(session, signed, "contacted", lead_id=lead.id)
        else:
            raise web.HTTPNotFound()
    raise web.HTTPSeeOther(f"/staff/leads/{lead_id}")


# What each delivery action calls in the outbox, and how the lead's history and the audit name it.
_DELIVERY_ACTIONS: dict[str, tuple[Callable[[Session, int], object], str]] = {
    "retry": (outbox.requeue, "delivery_retried"),
    "cancel": (outbox.cancel, "delivery_cancelled"),
}


async def _delivery_action(request: web.Request, action: str) -> web.StreamResponse:
    """Retry or cancel one delivery of a lead: recorded on the lead and in the staff audit."""
    signed = user(request)
    assert signed is not None
    change, event = _DELIVERY_ACTIONS[action]
    try:
        delivery_id = int(request.match_info["delivery_id"])
    except ValueError:
        raise web.HTTPNotFound() from None
    with db.session_scope(config(request).database_url) as session:
        row = session.get(outbox.Delivery, delivery_id)
        if row is None or row.lead_id is None:
            return page(request, "message.html", status=404, message_key="not_found")
        lead_id = row.lead_id
        try:
            change(session, delivery_id)
        except ValueError as error:
            return _refused(request, str(error))
        leads.record_event(session, row.lead, event, detail={"by": signed.email, "delivery": delivery_id})
        staff.record(session, signed, action, lead_id=lead_id, detail={"delivery": delivery_id})
    raise web.HTTPSeeOther(f"/staff/leads/{lead_id}")


async def retry(request: web.Request) -> web.StreamResponse:
    return await _delivery_action(request, "retry")


async def cancel(request: web.Request) -> web.StreamResponse:
    return await _delivery_action(request, "cancel")


async def withdraw(request: web.Request) -> web.StreamResponse:
    signed = user(request)
    assert signed is not None
    lead_id = request.match_info["lead_id"]
    form = await request.post()
    try:
        firm_id = int(str(form.get("firm", "")))
    except ValueError:
        return _refused(request, "no firm")
    with db.session_scope(config(request).database_url) as session:
        lead = leads.find(session, lead_id)
        if lead is None:
            return page(request, "message.html", status=404, message_key="not_found")
        try:
            notices = outbox.withdraw(session, lead.id, firm_id, outbox.now())
        except ValueError as error:
            return _refused(request, str(error))
        detail = {"firm": firm_id, "notices": len(notices)}
        leads.record_event(session, lead, "withdrawn", detail={"by": signed.email, **detail})
        staff.record(session, signed, "withdraw", lead_id=lead.id, detail=detail)
    raise web.HTTPSeeOther(f"/staff/leads/{lead_id}")


def setup(app: web.Application) -> None:
    app.router.add_post("/staff/leads/{lead_id}/withdraw", withdraw)
    app.router.add_post("/staff/leads/{lead_id}/{action}", act)
    app.router.add_post("/staff/deliveries/{delivery_id}/retry", retry)
    app.router.add_post("/staff/deliveries/{delivery_id}/cancel", cancel)
