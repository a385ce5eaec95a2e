"""The end of the contact form: the lead is saved (idempotently; spooled while the database is
away) and matched to firms, whose names are then put to the user (`actions/sharing.py`)."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.contact_form import lead_of
from actions.conversation import language_of
from bot import db, leads, matching, spool
from bot.lead_draft import DECLINED, GIVEN, methods_given


def lead_key(tracker: Tracker) -> str:
    """The idempotency key of this matter's lead: a retried save can never make a second one."""
    return f"{tracker.sender_id}:{tracker.get_slot('intake_id')}"


class ActionCompleteIntake(Action):
    """Saves the lead and says what happens next - or, without consent or a way to reach the
    user, saves nothing. Sets `share_pending` so the rules know whether firms are to be asked."""

    def name(self) -> str:
        return "action_complete_intake"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        if tracker.get_slot("privacy_consent") != GIVEN:
            dispatcher.utter_message(response="utter_consent_refused")
            return [SlotSet("share_pending", False)]
        if tracker.get_slot("contact_methods") == DECLINED or not methods_given(
            tracker.current_slot_values()
        ):
            dispatcher.utter_message(response="utter_no_contact_no_lead")
            return [SlotSet("share_pending", False)]
        # Confirmed now: a lead spooled while the database is down keeps this time.
        fields = {**lead_of(tracker), "created_at": db.utcnow()}
        try:
            lead = spool.save_or_spool(lead_key(tracker), fields)
        except (leads.TooManyLeads, leads.LeadRejected) as refused:  # abuse limit, or does not fit
            dispatcher.utter_message(text=leads.refusal(refused, language_of(tracker)))
            return [SlotSet("share_pending", False)]
        if lead is None:
            dispatcher.utter_message(response="utter_lead_pending")
            return [SlotSet("lead_id", None), SlotSet("share_pending", False)]
        reference = lead.id[:8]
        if tracker.get_slot("lead_id") == lead.id:
            dispatcher.utter_message(response="utter_lead_already_saved", lead_ref=reference)
            return [SlotSet("share_pending", False)]
        saved = "utter_lead_saved_urgent" if lead.urgency == "high" else "utter_lead_saved"
        dispatcher.utter_message(response=saved, lead_ref=reference)
        return [SlotSet("lead_id", lead.id), *match_firms(dispatcher, lead.id)]


def match_firms(dispatcher: CollectingDispatcher, lead_id: str) -> list[EventType]:
    """Matches firms to the saved lead; the firms' names are asked about next (PIPL Art. 23).
    With no suitable firm, says honestly that the team will find one."""
    try:
        with db.session_scope() as session:
            lead = leads.find(session, lead_id)
            found = matching.match_lead(session, lead) if lead is not None else []
            stored = list(lead.matches or []) if lead is not None else []
    except db.Unavailable:  # the lead is saved; staff match it when the database is back
        dispatcher.utter_message(response="utter_matching_later")
        return [SlotSet("share_pending", False)]
    if not found:
        dispatcher.utter_message(response="utter_needs_sourcing")
        return [SlotSet("share_pending", False)]
    return [SlotSet("share_offer", [m["firm_id"] for m in stored]), SlotSet("share_pending", True)]
