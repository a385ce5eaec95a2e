"""What a user can ask for at any point of the journey: a person, starting over, seeing or
erasing their data, and side questions answered without losing the place in a form."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions.contact import GIVEN, lead_fields
from actions.conversation import language_of, latest_intent, legal_terms
from actions.intake import CONTACT_FORM_SLOTS, new_intake_id, reset_events
from bot import glossary, intake, leads, topics
from bot.db import sessions
from bot.rasa.stores import ERASE_SLOT

DIGRESSION_RESPONSES = {
    "ask_why": "utter_ask_why",
    "choose_lawyer": "utter_choose_lawyer",
    "bot_challenge": "utter_bot_challenge",
}


def _deactivate() -> list[EventType]:
    """Leaves any active form (the rules then say which form, if any, comes next)."""
    return [ActiveLoop(None), SlotSet("requested_slot", None)]


class ActionAnswerDigression(Action):
    """A side question ("why do you ask?", "what is PIPL?", "what do you have about me?"):
    answered; the rules then return to the form, which asks its question again."""

    def name(self) -> str:
        return "action_answer_digression"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        intent = latest_intent(tracker)
        language = language_of(tracker)
        if intent == "show_my_data":
            dispatcher.utter_message(text=my_data(tracker, language))
        elif intent == "ask_law":
            explanation = glossary.explain(legal_terms(tracker), language)
            if explanation:
                dispatcher.utter_message(text=explanation)
            else:
                dispatcher.utter_message(response="utter_ask_law_general")
        else:
            dispatcher.utter_message(response=DIGRESSION_RESPONSES.get(intent, "utter_ask_why"))
        return []


def my_data(tracker: Tracker, language: str) -> str:
    """Everything held about the user: what this conversation collected, and saved requests."""
    try:
        with sessions()() as session:
            saved = leads.of_conversation(session, tracker.sender_id)
        unavailable = False
    except SQLAlchemyError:  # the database is briefly away: show what the conversation holds
        saved, unavailable = [], True
    spooled = [r for r in leads.pending() if r["fields"].get("conversation_id") == tracker.sender_id]
    collected = lead_fields(tracker)
    has_details = collected["topic"] or any(collected["contact"].values())
    if not (saved or spooled or has_details or unavailable):
        return intake.text("nothing_stored", language)
    lines = [intake.text("my_data.heading", language)]
    if has_details:
        lines.append(intake.summary(collected, language, heading=False))
    for lead in saved:
        row = lead.to_dict()
        lines.append(
            "• "
            + intake.text(
                "my_data.saved", language, ref=row["id"][:8], created=row["created_at"], status=row["status"]
            )
        )
    lines.extend("• " + intake.text("my_data.pending", language) for _ in spooled)
    if unavailable:
        lines.append("• " + intake.text("my_data.unavailable", language))
    lines.append(intake.text("my_data.rights", language))
    return "\n".join(lines)


class ActionHandoff(Action):
    """ "Talk to a person": the lead is flagged for a call-back and the contact form takes only
    what a call-back needs. A lead already saved is flagged in place."""

    def name(self) -> str:
        return "action_handoff"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        events: list[EventType] = [*_deactivate(), SlotSet("callback_requested", True)]
        lead_id = tracker.get_slot("lead_id")
        if lead_id and not lead_id.startswith("pending:"):
            try:
                with sessions()() as session:
                    lead = leads.find(session, lead_id)
                    if lead is not None:
                        lead.callback_requested = True
                        session.commit()
            except SQLAlchemyError:
                dispatcher.utter_message(response="utter_database_unavailable")
                return events
            dispatcher.utter_message(response="utter_handoff_saved")
            return events
        dispatcher.utter_message(response="utter_handoff")
        if not tracker.get_slot("intake_id"):
            events.append(SlotSet("intake_id", new_intake_id()))
        if tracker.get_slot("privacy_consent") != GIVEN:
            # Asked again: refusing earlier does not stop the user from wanting a call-back now.
            events += [SlotSet("privacy_consent", None), SlotSet("bad_answers", 0)]
        events.append(SlotSet("summary_confirmed", None))
        return events


class ActionStartOver(Action):
    """Forgets the current matter (a saved lead stays saved) and asks for the problem again."""

    def name(self) -> str:
        return "action_start_over"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        dispatcher.utter_message(response="utter_start_over")
        dispatcher.utter_message(response="utter_ask_problem")
        return [*_deactivate(), *reset_events(), SlotSet("resume_form", None)]


class ActionChangeTopic(Action):
    """"That's not my question": leaves the intake and offers the topics as buttons; picking
    one starts a fresh intake (the description typed earlier is kept as its summary)."""

    def name(self) -> str:
        return "action_change_topic"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        language = language_of(tracker)
        dispatcher.utter_message(response="utter_topic_buttons_intro", buttons=topics.topic_buttons(language))
        return [*_deactivate(), *reset_events()]


class ActionAskErasure(Action):
    """ "Delete my data": pauses any form and asks for confirmation first."""

    def name(self) -> str:
        return "action_ask_erasure"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        dispatcher.utter_message(response="utter_confirm_erasure")
        return [*_deactivate(), SlotSet("resume_form", tracker.active_loop.get("name"))]


class ActionEraseMyData(Action):
    """Erases the user's leads (saved and spooled) here, and - through `erase_requested`, which
    the tracker store acts on when it saves this turn - the whole conversation."""

    def name(self) -> str:
        return "action_erase_my_data"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        try:
            with sessions()() as session:
                leads.erase_conversation(session, tracker.sender_id)
        except SQLAlchemyError:  # nothing half-done: the user is told and can ask again
            dispatcher.utter_message(response="utter_erasure_failed")
            return []
        leads.erase_spooled(tracker.sender_id)
        dispatcher.utter_message(response="utter_erased")
        return [*reset_events(), *[SlotSet(s, None) for s in CONTACT_FORM_SLOTS], SlotSet(ERASE_SLOT, True)]


class ActionCancelErasure(Action):
    def name(self) -> str:
        return "action_cancel_erasure"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        dispatcher.utter_message(response="utter_erasure_cancelled")
        form = tracker.get_slot("resume_form")
        return [SlotSet("resume_form", None), *([FollowupAction(form)] if form else [])]
