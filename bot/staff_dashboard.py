"""The staff console's dashboard figures (/staff/dashboard), all from unencrypted columns:
leads per topic per week, the urgency and language shares, the time from a lead to the first
contact staff recorded, and delivery failures. Drop-off by step comes from the tracker store
(bot/ops/web/staff/conversations.py)."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timedelta
from statistics import median
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db import as_utc, utcnow
from bot.delivery.outbox import Delivery
from bot.leads import Lead, LeadEvent

WEEKS = 8


def _week(moment: datetime) -> str:
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


def shares(session: Session, column: Any) -> list[tuple[str, int, float]]:
    """(value, count, share of all leads) for one column, most common first."""
    rows = session.execute(select(column, func.count()).group_by(column)).all()
    total = sum(count for _, count in rows) or 1
    ranked = sorted(rows, key=lambda row: (-row[1], str(row[0])))
    return [(str(value or "-"), int(count), count / total) for value, count in ranked]


def per_topic_per_week(session: Session, now: datetime | None = None) -> dict[str, Any]:
    """{"weeks": [...oldest first], "topics": {topic: [count per week]}} for the last WEEKS weeks."""
    now = now or utcnow()
    since = now - timedelta(weeks=WEEKS)
    weeks = [_week(now - timedelta(weeks=back)) for back in range(WEEKS - 1, -1, -1)]
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    rows = session.execute(select(Lead.topic, Lead.created_at).where(Lead.created_at >= since))
    for topic, created in rows:
        counts[str(topic or "-")][_week(as_utc(created) or now)] += 1
    return {"weeks": weeks, "topics": {t: [counts[t][w] for w in weeks] for t in sorted(counts)}}


def first_contact_hours(session: Session) -> dict[str, Any]:
    """Hours from a lead to its first "contacted" event: how many leads, median, 90th percentile."""
    first = (
        select(LeadEvent.lead_id, func.min(LeadEvent.at).label("at"))
        .where(LeadEvent.kind == "contacted")
        .group_by(LeadEvent.lead_id)
        .subquery()
    )
    rows = session.execute(select(Lead.created_at, first.c.at).join(first, first.c.lead_id == Lead.id)).all()
    hours = sorted(
        max(0.0, ((as_utc(at) or utcnow()) - (as_utc(created) or utcnow())).total_seconds() / 3600)
        for created, at in rows
    )
    if not hours:
        return {"leads": 0, "median": None, "p90": None}
    return {
        "leads": len(hours),
        "median": median(hours),
        "p90": hours[min(len(hours) - 1, int(0.9 * len(hours)))],
    }


def delivery_failures(session: Session) -> dict[str, int]:
    week_ago = utcnow() - timedelta(days=7)
    failed = select(func.count()).select_from(Delivery).where(Delivery.status == "failed")
    return {
        "failed": int(session.execute(failed).scalar_one()),
        "failed_this_week": int(session.execute(failed.where(Delivery.updated_at >= week_ago)).scalar_one()),
        "all": int(session.execute(select(func.count()).select_from(Delivery)).scalar_one()),
    }


def figures(session: Session) -> dict[str, Any]:
    return {
        "weekly": per_topic_per_week(session),
        "urgency": shares(session, Lead.urgency),
        "language": shares(session, Lead.language),
        "first_contact": first_contact_hours(session),
        "deliveries": delivery_failures(session),
    }
