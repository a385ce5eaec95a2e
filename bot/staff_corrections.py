"""Staff's topic corrections as Rasa NLU training data (`lawbot corrections export`), so the
model learns from staff: for each lead whose topic staff corrected (a "correction" lead event,
bot/ops/web/staff/actions.py), the user messages of its conversation that the bot took for a
topic (or, when none, the first message the user typed) become examples of the corrected
topic's intent. The newest correction of a lead wins.

The examples are what users wrote, personal data included: review them before they go into
data/nlu/ (the command says so on stderr)."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import staff_transcript, topics
from bot.leads import Lead, LeadEvent


def corrected_topics(session: Session) -> dict[str, tuple[str, str]]:
    """{lead id: (conversation id, corrected topic)}, the newest correction of each lead."""
    rows = session.execute(
        select(LeadEvent, Lead.conversation_id)
        .join(Lead, Lead.id == LeadEvent.lead_id)
        .where(LeadEvent.kind == "correction")
        .order_by(LeadEvent.at, LeadEvent.id)
    ).all()
    found: dict[str, tuple[str, str]] = {}
    for event, conversation_id in rows:
        detail = event.detail if isinstance(event.detail, dict) else {}
        if detail.get("field") == "topic" and detail.get("to"):
            found[event.lead_id] = (conversation_id, str(detail["to"]))
    return found


def examples(session: Session, tracker_store_url: str) -> dict[str, list[str]]:
    """{intent: [example, ...]} from every corrected lead, without duplicates."""
    by_intent: dict[str, list[str]] = defaultdict(list)
    for conversation_id, topic in corrected_topics(session).values():
        if topic == topics.OUT_OF_SCOPE:
            continue
        typed = [
            turn
            for turn in staff_transcript.read(tracker_store_url, conversation_id).turns
            if turn.who == "user" and turn.text.strip() and not turn.text.startswith("/")
        ]
        chosen = [t for t in typed if (t.intent or "").startswith(topics.INTENT_PREFIX)] or typed[:1]
        for turn in chosen:
            text = " ".join(turn.text.split())
            intent = topics.INTENT_PREFIX + topic
            if text not in by_intent[intent]:
                by_intent[intent].append(text)
    return dict(by_intent)


def to_yaml(found: dict[str, list[str]]) -> str:
    """Rasa 3 NLU YAML, like data/nlu/*/*.yml."""
    lines = ['version: "3.1"', "nlu:"]
    for intent in sorted(found):
        lines += [f"- intent: {intent}", "  examples: |"]
        lines += [f"    - {text}" for text in found[intent]]
    return "\n".join(lines) + "\n"
