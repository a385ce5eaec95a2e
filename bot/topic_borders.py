"""Where one topic ends and another begins, where the classifier alone cannot tell (docs/topics.md):
a message about one of a business's own duties (ICP, PIPL, 等保...) that tells of an order, a
penalty or an inspection received from an authority is an investigation (sections 2 and 3).
The NLU pipeline's last component applies it (bot/rasa/scope_guard.py)."""

from __future__ import annotations

from datetime import date

# Topics of a business's own duties: a message about one of them that tells of an order, a penalty
# or an inspection received from an authority is an investigation (docs/topics.md, sections 2-3).
DUTY_TOPICS = frozenset(
    {
        "icp",
        "personal_info",
        "cybersecurity",
        "cross_border",
        "localization",
        "ecommerce",
        "foreign_investment",
    }
)
_RECEIVED_AS_INVESTIGATION = frozenset({"rectification", "penalty", "inspection"})


def received_from_authority(message: str, language: str) -> bool:
    """The message tells of an order to fix something (or anything due within days), a penalty or an
    inspection from an authority, still standing ("网安大队来检查，给了限期整改通知", "got a notice from the communications
    administration: no filing, 5 working days to fix"): the matter is answering the authority."""
    from bot import prefill, triage  # late: both load their vocabularies
    from bot.triage_authority import settled_before

    text = message.strip()
    if not text or text.startswith("/"):
        return False
    today = date.today()
    found = triage.findings(text, today)
    if settled_before(text, today):
        return False
    read = prefill.prefill("investigation", text, today=today, language=language)
    if "authority_contact" in found and read.get("received") in _RECEIVED_AS_INVESTIGATION:
        return True
    # an order with a deadline from an authority named ("they give 5 working days to fix it")
    return "deadline" in found and ("authority_contact" in found or bool(read.get("authority")))
