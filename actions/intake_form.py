"""The follow-up questions: starting an intake, asking each question, reading the answers,
and the general information shaped by them. The logic is in `bot.intake`, `bot.triage` and
`bot.prefill`; this module only carries it into Rasa."""

from __future__ import annotations

import uuid
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.conversation import (
    language_of,
    language_slot,
    latest_intent,
    latest_text,
    legal_terms,
    only_changes,
    said,
    send,
)
from actions.forms import AnswerValidation, sensitive_consent_answer
from bot import intake, prefill, topics, triage
from bot.lead_draft import GIVEN, REFUSED

MAX_SUMMARY = 2000

# Slots of one matter: cleared when a new one starts, so answers never leak between matters.
INTAKE_SLOTS = (
    "intake_id",
    "topic",
    "urgency",
    "urgency_reasons",
    "problem_summary",
    "answers",
    "bad_answers",
    "intake_answer",
    "legal_terms",
)
# Slots of the person and their consents: kept when only the topic changes.
CONTACT_FORM_SLOTS = (
    "privacy_consent",
    "consent_given_at",
    "sensitive_consent",
    "contact_name",
    "contact_company",
    "contact_methods",
    "contact_phone",
    "contact_email",
    "contact_wechat",
    "preferred_channel",
    "counterparty",
    "summary_confirmed",
    "callback_requested",
    "lead_id",
    "share_pending",
    "share_offer",
    "share_answer",
)


def reset_events(slots: tuple[str, ...] = INTAKE_SLOTS + CONTACT_FORM_SLOTS) -> list[EventType]:
    return [SlotSet(name, None) for name in slots]


def last_typed_message(tracker: Tracker) -> str:
    """The latest problem description the user typed (not a button, not "that's not it"),
    e.g. before picking a topic button."""
    describing = {*(topic.intent for topic in topics.all_topics().values()), "nlu_fallback", "out_of_scope"}
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        text = (event.get("text") or "").strip()
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if text and not text.startswith("/") and intent in describing:
            return text
    return ""


# Where a story told before the topic is known begins: the bot started a matter, a form ran, or
# the conversation began again.
STORY_BOUNDARIES = {
    "action_start_intake",
    "action_restart",
    "action_session_start",
    "action_give_information",
}


def typed_since_boundary(tracker: Tracker) -> list[tuple[str, str | None]]:
    """The user's messages (text, intent), oldest first, since the bot last started a matter or
    a form, or the conversation began."""
    said: list[tuple[str, str | None]] = []
    for event in reversed(tracker.events):
        kind = event.get("event")
        if kind in ("restart", "session_started", "active_loop"):
            break
        if kind == "action" and event.get("name") in STORY_BOUNDARIES:
            break
        if kind == "user":
            intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
            said.append(((event.get("text") or "").strip(), intent))
    return said[::-1]


def story_told(tracker: Tracker) -> str:
    """The user's story before the topic was chosen: the opening message(s), joined."""
    return intake.joined(intake.story(typed_since_boundary(tracker)))


def new_intake_id() -> str:
    return uuid.uuid4().hex


def _state(tracker: Tracker) -> tuple[str | None, str, dict[str, Any], bool, str]:
    """The topic, the urgency, the answers so far, whether sensitive questions may be asked (not
    once their separate consent was refused), and the user's description."""
    return (
        tracker.get_slot("topic"),
        tracker.get_slot("urgency") or "normal",
        dict(tracker.get_slot("answers") or {}),
        tracker.get_slot("sensitive_consent") != REFUSED,
        tracker.get_slot("problem_summary") or "",
    )


def allowed(code: str, found: dict[str, Any], consent: str | None) -> dict[str, Any]:
    """What may be stored of the answers found: no sensitive answer before its consent."""
    return found if consent == GIVEN else intake.without_sensitive(code, found)


class ActionStartIntake(Action):
    """A problem description: name the topic in plain words, triage it, give the immediate steps
    when it is urgent, note what the description already answers, and set up the questions."""

    def name(self) -> str:
        return "action_start_intake"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        language = language_of(tracker)
        code = topics.topic_of_intent(latest_intent(tracker))
        if code not in topics.TOPIC_CODES:
            dispatcher.utter_message(response="utter_ask_problem")
            return []
        # "That's not my question": the person and their consents stay; only the matter changes.
        keep_person = bool(tracker.get_slot("topic_change"))
        # The description is the story told so far (the opening message(s), joined), not only the
        # message before a topic button; a new topic for the same matter keeps its description.
        message = story_told(tracker)
        if not message and keep_person:
            message = tracker.get_slot("problem_summary") or ""
        if not message:
            typed = latest_text(tracker)
            message = typed if not typed.startswith("/") else last_typed_message(tracker)
        answers = prefill.prefill(code, message, language=language)
        assessment = triage.assess(message, answers)
        # Sensitive answers the description gives are kept only once their consent is given.
        answers = allowed(code, answers, tracker.get_slot("sensitive_consent"))
        dispatcher.utter_message(text=topics.get(code).acknowledge[language])
        if assessment.reasons:
            dispatcher.utter_message(text=intake.immediate_steps(list(assessment.reasons), language))
        # The sensitive consent is asked once a conversation: a new matter keeps the answer.
        slots = INTAKE_SLOTS + (
            ("summary_confirmed",)
            if keep_person
            else tuple(s for s in CONTACT_FORM_SLOTS if s != "sensitive_consent")
        )
        return only_changes(
            tracker,
            domain,
            [
                *reset_events(slots),
                SlotSet("intake_id", tracker.get_slot("intake_id") if keep_person else new_intake_id()),
                SlotSet("topic", code),
                SlotSet("urgency", assessment.urgency),
                SlotSet("urgency_reasons", list(assessment.reasons)),
                SlotSet("problem_summary", message[:MAX_SUMMARY]),
                SlotSet("answers", answers),
                SlotSet("bad_answers", 0),
                SlotSet("legal_terms", legal_terms(tracker)),
                SlotSet("callback_requested", tracker.get_slot("callback_requested")),
                SlotSet("topic_change", None),
                *[SlotSet(k, v) for k, v in language_slot(tracker).items()],
            ],
        )


class ActionAskIntakeAnswer(Action):
    """Asks the topic's next unanswered question, with its options as buttons."""

    def name(self) -> str:
        return "action_ask_intake_answer"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        language = language_of(tracker)
        question = intake.next_question(*_state(tracker))
        if question is not None:
            send(dispatcher, question.text[language], intake.question_choices(question, language))
        return []


class ValidateIntakeForm(AnswerValidation):
    """One question at a time: the form asks `intake_answer` until the topic's questions are
    answered; each answer is interpreted, stored in `answers`, and the slot cleared again. An
    answer that also answers later questions fills them too."""

    def name(self) -> str:
        return "validate_intake_form"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        question = intake.next_question(*_state(tracker))
        if question is None:
            return []
        if question.sensitive and tracker.get_slot("sensitive_consent") not in (GIVEN, REFUSED):
            # the consent before the first one (while the answer to it is being validated, the
            # slot holds what was typed)
            return ["sensitive_consent", "intake_answer"]
        return ["intake_answer"]

    def validate_sensitive_consent(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        result = sensitive_consent_answer(dispatcher, tracker)
        code = tracker.get_slot("topic")
        if result["sensitive_consent"] != GIVEN or code not in topics.TOPIC_CODES:
            return result
        # Given: what the description (and this answer) already says is not asked again.
        answers = dict(tracker.get_slot("answers") or {})
        language = language_of(tracker)
        for text in (tracker.get_slot("problem_summary") or "", latest_text(tracker)):
            found = prefill.prefill(code, text, answers, language=language)
            answers.update({k: v for k, v in found.items() if k in intake.sensitive_keys(code)})
        return {**result, "answers": answers}

    def validate_intake_answer(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        language = language_of(tracker)
        code, urgency, answers, sensitive, story = _state(tracker)
        question = intake.next_question(code, urgency, answers, sensitive, story)
        if question is None or code is None:
            return {"intake_answer": None}
        events: dict[str, Any] = {"intake_answer": None}
        answer = intake.interpret(question, said(tracker))
        if isinstance(answer, intake.Invalid):
            bad = int(tracker.get_slot("bad_answers") or 0) + 1
            if bad < intake.MAX_BAD_ANSWERS:
                dispatcher.utter_message(response=f"utter_hint_{answer.reason}")
                return {**events, "bad_answers": bad}
            dispatcher.utter_message(response="utter_moving_on")
            answer = intake.UNCLEAR
        answers[question.key] = answer
        if answer not in (intake.SKIPPED, intake.UNCLEAR):
            found = prefill.prefill(code, latest_text(tracker), answers, language=language)
            answers.update(allowed(code, found, tracker.get_slot("sensitive_consent")))
        events.update(answers=answers, bad_answers=0)
        # The answers can reveal urgency the first message did not (an incident still going on).
        assessment = triage.assess(tracker.get_slot("problem_summary") or "", answers)
        if assessment.reasons and urgency != "high":
            dispatcher.utter_message(text=intake.immediate_steps(list(assessment.reasons), language))
            events.update(urgency="high", urgency_reasons=list(assessment.reasons))
        return events


class ActionGiveInformation(Action):
    """After the questions: the topic's general information shaped by the answers, and what to
    bring to a consultation. The offer to pass the matter on follows (the contact form)."""

    def name(self) -> str:
        return "action_give_information"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        language = language_of(tracker)
        code = tracker.get_slot("topic")
        if code not in topics.TOPIC_CODES:
            return []
        topic = topics.get(code)
        dispatcher.utter_message(text=topic.information(language, tracker.get_slot("answers") or {}))
        dispatcher.utter_message(text=topic.documents_text(language))
        return []
