"""What a user can ask for at any point of the journey: a person, starting over, seeing or
erasing their data, disputing the urgency, and side questions answered without losing the place
in a form."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.contact_form import lead_of
from actions.conversation import (
    UTTER_ACTION,
    language_of,
    latest_intent,
    latest_text,
    legal_terms,
    only_changes,
    said,
)
from actions.forms import AnswerValidation
from actions.intake_form import CONTACT_FORM_SLOTS, INTAKE_SLOTS, new_intake_id, reset_events
from actions.topic import topic_buttons
from bot import answers, db, glossary, intake, leads, privacy, readback, spool, triage
from bot.lead_draft import GIVEN
from bot.rasa.stores import ERASE_SLOT

DIGRESSION_RESPONSES = {
    "ask_why": "utter_ask_why",
    "choose_lawyer": "utter_choose_lawyer",
    "bot_challenge": "utter_bot_challenge",
    "other_language": "utter_other_language",
    "switch_language": "utter_language_switched",
}


def _deactivate() -> list[EventType]:
    """Leaves any active form (the rules then say which form, if any, comes next)."""
    return [ActiveLoop(None), SlotSet("requested_slot", None)]


class ActionAnswerDigression(Action):
    """A side question ("why do you ask?", "what is PIPL?", "what do you have about me?", "why
    urgent?"): answered; the rules then return to the form, which asks its question again."""

    def name(self) -> str:
        return "action_answer_digression"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        intent = latest_intent(tracker)
        language = language_of(tracker)
        if intent == "show_my_data":
            dispatcher.utter_message(text=my_data(tracker, language))
        elif intent == "contest_urgency" or triage.is_contest(latest_text(tracker)):
            return contest_urgency(dispatcher, tracker)
        elif intent == "ask_law":
            explanation = glossary.explain(legal_terms(tracker), language)
            if explanation:
                dispatcher.utter_message(text=explanation)
            else:
                dispatcher.utter_message(response="utter_ask_law_general")
        elif intent == "switch_language" and not language_changed(tracker):
            pass  # already the language in use: said once, never again; the form asks its question
        else:
            dispatcher.utter_message(response=DIGRESSION_RESPONSES.get(intent or "", "utter_ask_why"))
        return []


def language_changed(tracker: Tracker) -> bool:
    """Whether a request for a language is to be answered: the user's latest message changed the
    conversation's language (the slot-mapping action set it after the message), or, outside any
    form, the language in use was never confirmed since it was set."""
    events = list(reversed(tracker.events))
    latest_user = next((i for i, e in enumerate(events) if e.get("event") == "user"), len(events))
    if any(e.get("event") == "slot" and e.get("name") == "language" for e in events[:latest_user]):
        return True
    if tracker.active_loop.get("name"):
        return False  # the form asks its question again, in the language already in use
    for event in events[latest_user + 1 :]:
        if event.get("event") == "slot" and event.get("name") == "language":
            return True
        if event.get("event") == "bot" and (event.get("metadata") or {}).get(UTTER_ACTION) == SWITCHED:
            return False
    return True


SWITCHED = DIGRESSION_RESPONSES["switch_language"]


def contest_urgency(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """The user says the matter is not urgent: they know it better than the words we matched."""
    if tracker.get_slot("urgency") != "high":
        dispatcher.utter_message(response="utter_urgency_kept")
        return []
    dispatcher.utter_message(response="utter_urgency_lowered")
    return [SlotSet("urgency", "normal"), SlotSet("urgency_reasons", [])]


def my_data(tracker: Tracker, language: str) -> str:
    """Everything held about the user: what this conversation collected, and saved requests."""
    try:
        with db.session_scope() as session:
            saved = [lead.to_dict() for lead in leads.of_conversation(session, tracker.sender_id)]
        unavailable = False
    except db.Unavailable:  # the database is briefly away: show what the conversation holds
        saved, unavailable = [], True
    spooled = spool.of_conversation(tracker.sender_id)
    collected = lead_of(tracker)
    has_details = collected["topic"] or any(collected["contact"].values())
    if not (saved or spooled or has_details or unavailable):
        return intake.text("nothing_stored", language)
    lines = [intake.text("my_data.heading", language)]
    if has_details:
        lines.append(readback.summary(collected, language, heading=False))
    for row in saved:
        status = intake.text(f"statuses.{row['status']}", language)
        lines.append(
            "• "
            + intake.text(
                "my_data.saved", language, ref=row["id"][:8], created=row["created_at"], status=status
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
        if lead_id:
            try:
                with db.session_scope() as session:
                    lead = leads.find(session, lead_id)
                    if lead is not None:
                        lead.callback_requested = True
            except db.Unavailable:
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
        return only_changes(tracker, domain, [*_deactivate(), *reset_events(), SlotSet("resume_form", None)])


class ActionChangeTopic(Action):
    """ "That's not my question": offers the topics as buttons; picking one starts the questions
    of that topic. Only the matter changes: name, contact details and consents are kept."""

    def name(self) -> str:
        return "action_change_topic"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        language = language_of(tracker)
        dispatcher.utter_message(response="utter_topic_buttons_intro", buttons=topic_buttons(language))
        return only_changes(
            tracker, domain, [*_deactivate(), *reset_events(INTAKE_SLOTS), SlotSet("topic_change", True)]
        )


class ActionAskErasure(Action):
    """ "Delete my data": pauses any form; the erasure form asks for confirmation first."""

    def name(self) -> str:
        return "action_ask_erasure"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        return [
            *_deactivate(),
            SlotSet("resume_form", tracker.active_loop.get("name")),
            SlotSet("erasure_answer", None),
        ]


class ValidateErasureForm(AnswerValidation):
    """The confirmation, typed as people type it ("确定", "是的，删吧", "no, keep it"); unclear
    twice: nothing is erased."""

    def name(self) -> str:
        return "validate_erasure_form"

    def validate_erasure_answer(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        answer = answers.agreement(said(tracker))
        if answer is not None:
            return {"erasure_answer": "yes" if answer else "no", "bad_answers": 0}
        bad = int(tracker.get_slot("bad_answers") or 0) + 1
        if bad < intake.MAX_BAD_ANSWERS:
            dispatcher.utter_message(response="utter_hint_erasure")
            return {"erasure_answer": None, "bad_answers": bad}
        return {"erasure_answer": "no", "bad_answers": 0}


class ActionFinishErasure(Action):
    """Confirmed: erases the user's leads (saved and spooled) and - through `erase_requested`,
    which the tracker store acts on when it saves this turn - the whole conversation. Cancelled:
    says so and returns to the form that was interrupted."""

    def name(self) -> str:
        return "action_finish_erasure"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        if tracker.get_slot("erasure_answer") != "yes":
            dispatcher.utter_message(response="utter_erasure_cancelled")
            form = tracker.get_slot("resume_form")
            return [
                SlotSet("resume_form", None),
                SlotSet("erasure_answer", None),
                *([FollowupAction(form)] if form else []),
            ]
        try:  # the one erasure (bot/privacy.py): leads, spool, transcript, log lines, firms told
            privacy.erase(conversation_id=tracker.sender_id, actor="user")
        except db.Unavailable:  # nothing half-done: the user is told and can ask again
            dispatcher.utter_message(response="utter_erasure_failed")
            return [SlotSet("erasure_answer", None)]
        dispatcher.utter_message(response="utter_erased", json_message={"erased": True})  # the widget forgets
        return [
            *reset_events(INTAKE_SLOTS + CONTACT_FORM_SLOTS),
            SlotSet("erasure_answer", None),
            SlotSet(ERASE_SLOT, True),
        ]
