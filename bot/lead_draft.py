"""The lead as it will be stored, drawn from what the conversation holds (its state: a plain
mapping of names to values). Fields as in the brief."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot import intake, topics
from bot.readback import TRIAGE_KEY

# Consent decisions, and the value of a detail the user chose not to give.
GIVEN, REFUSED = "given", "refused"
DECLINED = "declined"
CHANNEL_OF_METHOD = {"phone": "phone", "email": "email", "wechat_id": "wechat"}
METHOD_STATE = {"phone": "contact_phone", "email": "contact_email", "wechat_id": "contact_wechat"}
# Topics whose matters usually have another party: the firms need its name for a conflict check.
DISPUTE_TOPICS = ("contract", "ip", "employment", "ecommerce")
# The answer keys that already name the other party.
COUNTERPARTY_KEYS = ("counterparty_name",)


def methods_given(state: Mapping[str, Any]) -> dict[str, str]:
    """The ways to reach the user, in the order a firm would try them."""
    return {method: state[key] for method, key in METHOD_STATE.items() if state.get(key)}


def _given(value: Any) -> Any:
    return None if value in (None, DECLINED) else value


def counterparty(state: Mapping[str, Any]) -> str | None:
    """The other party: asked for, or already named in the answers."""
    if _given(state.get("counterparty")):
        return str(state["counterparty"])
    answers = state.get("answers") or {}
    return next(
        (
            str(answers[key])
            for key in COUNTERPARTY_KEYS
            if answers.get(key) not in (None, intake.SKIPPED, intake.UNCLEAR)
        ),
        None,
    )


def sensitive_refused(state: Mapping[str, Any]) -> bool:
    """The matter is sensitive and its separate consent was refused (PIPL Art. 29): the lead keeps
    only the topic, the urgency level, the language and the contact details - no sensitive
    answer, no reason for the urgency, no free text, no other party."""
    return state.get("sensitive_consent") == REFUSED and intake.is_sensitive(
        state.get("topic"), state.get("answers") or {}, state.get("urgency_reasons") or ()
    )


def needs_counterparty(state: Mapping[str, Any]) -> bool:
    return (
        state.get("topic") in DISPUTE_TOPICS
        and counterparty(state) is None
        and not state.get("callback_requested")
        and not sensitive_refused(state)
    )


def draft(state: Mapping[str, Any], conversation_id: str, channel: str, language: str) -> dict[str, Any]:
    """The lead's fields from the conversation's state. A sensitive matter whose separate consent
    was refused keeps no answers, reasons, description or other party (PIPL Art. 28/29)."""
    code = state.get("topic")
    answers = dict(state.get("answers") or {})
    sensitive = state.get("sensitive_consent")
    minimal = sensitive_refused(state)
    if code in topics.TOPIC_CODES and sensitive != GIVEN:
        answers = intake.without_sensitive(str(code), answers)
    if minimal:
        answers = {}
    elif state.get("urgency_reasons"):
        answers[TRIAGE_KEY] = list(state["urgency_reasons"])
    methods = methods_given(state)
    preferred = state.get("preferred_channel")
    if preferred not in [CHANNEL_OF_METHOD[m] for m in methods]:
        preferred = CHANNEL_OF_METHOD[next(iter(methods))] if methods else None
    return {
        "channel": channel[:40],
        "conversation_id": conversation_id,
        "language": language,
        "topic": code if code in topics.TOPIC_CODES else None,
        "urgency": state.get("urgency") or "normal",
        "summary": "" if minimal else state.get("problem_summary") or "",
        "answers": answers,
        "contact": {
            "name": _given(state.get("contact_name")),
            "company": _given(state.get("contact_company")),
            "phone": methods.get("phone"),
            "email": methods.get("email"),
            "wechat_id": methods.get("wechat_id"),
            "preferred_channel": preferred,
        },
        "counterparty": None if minimal else counterparty(state),
        "consent": {
            "notice_version": intake.NOTICE_VERSION,
            "given_at": state.get("consent_given_at"),
            "share_with_firms": False,
            "sensitive": (sensitive == GIVEN) if sensitive else None,
        },
        "callback_requested": bool(state.get("callback_requested")),
    }
