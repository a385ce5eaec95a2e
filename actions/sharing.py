"""The separate consent that names the firms (PIPL Art. 23): asked as a form, so a typed
answer ("不发送，只保留在平台", "先不发", "yes send it") is read as the answer it is, and a
later "同意发送" still reaches the offer."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.conversation import bot_before_latest, buttons, language_of, said, send
from actions.forms import AnswerValidation
from bot import answers, db, intake, leads
from bot.delivery import sharing
from bot.lead_draft import sensitive_refused
from bot.replies import Choice, Said

YES, NO = "yes", "no"


def share_choices(language: str) -> list[Choice]:
    return [Choice(intake.text("share_yes", language), YES), Choice(intake.text("share_no", language), NO)]


def share_decision(heard: Said) -> str | None:
    """YES, NO, or None when the answer says neither."""
    both_languages = [Choice(intake.text(f"share_{v}", lang), v) for v in (YES, NO) for lang in ("en", "zh")]
    picked = answers.pick(both_languages, heard)
    if picked:
        return picked
    agreed = answers.agreement(heard)
    return None if agreed is None else (YES if agreed else NO)


class ActionAskShareAnswer(Action):
    """Names the matched firms and asks whether the lead may be sent to them."""

    def name(self) -> str:
        return "action_ask_share_answer"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        language = language_of(tracker)
        if int(tracker.get_slot("bad_answers") or 0) and _offer_just_made(tracker):
            # the firms were just named and the answer said neither yes nor no: asked again briefly
            dispatcher.utter_message(
                response="utter_ask_share_again", buttons=buttons(share_choices(language))
            )
            return []
        try:
            with db.session_scope() as session:
                lead = leads.find(session, tracker.get_slot("lead_id") or "")
                matches = list(lead.matches or []) if lead is not None else []
        except db.Unavailable:
            matches = []
        offered = set(tracker.get_slot("share_offer") or [])
        named = [m for m in matches if m.get("firm_id") in offered]
        minimal = sensitive_refused(tracker.current_slot_values())  # what the firms would get
        send(dispatcher, sharing.describe_recipients(named, language, minimal), share_choices(language))
        return []


def _offer_just_made(tracker: Tracker) -> bool:
    """The bot's last message before the user's latest one offered the yes/no of the firms."""
    offered = {b["payload"] for lang in ("en", "zh") for b in buttons(share_choices(lang))}
    event = bot_before_latest(tracker)
    shown = ((event or {}).get("data") or {}).get("buttons") or []
    return any(b.get("payload") in offered for b in shown)


class ValidateShareForm(AnswerValidation):
    def name(self) -> str:
        return "validate_share_form"

    def validate_share_answer(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        decision = share_decision(said(tracker))
        if decision:
            return {"share_answer": decision, "bad_answers": 0}
        # An unclear answer is neither a yes nor a no, however often: the offer is asked again.
        return {"share_answer": None, "bad_answers": int(tracker.get_slot("bad_answers") or 0) + 1}


def record_share(dispatcher: CollectingDispatcher, tracker: Tracker, decision: str) -> list[EventType]:
    """Puts the lead in the outbox for the named firms (yes) or keeps it with the platform (no)."""
    firm_ids = tracker.get_slot("share_offer")
    lead_id = tracker.get_slot("lead_id")
    if not firm_ids or not lead_id:
        dispatcher.utter_message(response="utter_anything_else")
        return []
    if decision not in (YES, NO):
        dispatcher.utter_message(response="utter_share_not_answered")
        return [SlotSet("share_answer", None), SlotSet("share_pending", False)]
    try:
        with db.session_scope() as session:
            lead = leads.find(session, lead_id)
            if lead is not None and decision == YES:
                sharing.share(session, lead, firm_ids, language_of(tracker))
            elif lead is not None:
                sharing.decline_share(session, lead)
    except db.Unavailable:  # the offer stays open: the user answers again in a moment
        dispatcher.utter_message(response="utter_database_unavailable")
        return [SlotSet("share_answer", None), SlotSet("share_pending", False)]
    dispatcher.utter_message(response="utter_shared" if decision == YES else "utter_share_declined")
    # A "no" keeps the offer: a later "send it" is still understood.
    keep = firm_ids if decision == NO else None
    return [SlotSet("share_offer", keep), SlotSet("share_answer", None), SlotSet("share_pending", False)]


class ActionShareLead(Action):
    def name(self) -> str:
        return "action_share_lead"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        return record_share(dispatcher, tracker, tracker.get_slot("share_answer") or "")


def offer_still_open(tracker: Tracker) -> bool:
    """Firms were named and the lead is not on its way to them yet (declined or unanswered)."""
    return bool(tracker.get_slot("share_offer") and tracker.get_slot("lead_id"))


class ActionAnswerYesNo(Action):
    """A yes or no outside any question: the answer to a still-open offer to the firms, if there
    is one; otherwise "anything else?"."""

    def name(self) -> str:
        return "action_answer_yes_no"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        decision = share_decision(said(tracker))
        if offer_still_open(tracker) and decision == YES:
            return record_share(dispatcher, tracker, YES)
        dispatcher.utter_message(response="utter_anything_else")
        return []
