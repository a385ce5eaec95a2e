"""Consent, contact details, the read-back summary with corrections, and the saved lead."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions.conversation import keep_language, language_of, latest_entity, latest_intent, latest_text
from actions.forms import AnswerValidation
from bot import contact, intake, leads, matching, topics
from bot.db import sessions
from bot.delivery import sharing

GIVEN, REFUSED, NONE = "given", "refused", "none"
MAX_BAD_CONTACT = 3
CHANNEL_OF_METHOD = {"phone": "phone", "email": "email", "wechat_id": "wechat"}
METHOD_SLOTS = {"phone": "contact_phone", "email": "contact_email", "wechat_id": "contact_wechat"}


def _yes_no(tracker: Tracker) -> bool | None:
    if latest_entity(tracker, "choice") == "confirm":
        return True
    return intake.agreement(latest_text(tracker), latest_intent(tracker))


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def methods_given(tracker: Tracker) -> dict[str, str]:
    return {method: tracker.get_slot(slot) for method, slot in METHOD_SLOTS.items() if tracker.get_slot(slot)}


def lead_fields(tracker: Tracker) -> dict[str, Any]:
    """The lead as it will be stored, from the conversation's slots (fields as in the brief)."""
    code = tracker.get_slot("topic")
    answers = dict(tracker.get_slot("answers") or {})
    if code in topics.TOPIC_CODES and tracker.get_slot("sensitive_consent") == REFUSED:
        answers = intake.without_sensitive(code, answers)
    if tracker.get_slot("urgency_reasons"):
        answers["triage"] = list(tracker.get_slot("urgency_reasons"))
    methods = methods_given(tracker)
    channel = tracker.get_slot("preferred_channel")
    if not channel and len(methods) == 1:
        channel = CHANNEL_OF_METHOD[next(iter(methods))]
    counterparty = tracker.get_slot("counterparty")
    if counterparty in (None, NONE):
        counterparty = next(
            (
                answers[k]
                for k in intake.COUNTERPARTY_KEYS
                if answers.get(k) not in (None, intake.SKIPPED, intake.UNCLEAR)
            ),
            None,
        )
    company = tracker.get_slot("contact_company")
    return {
        "channel": (tracker.get_latest_input_channel() or "rest")[:40],
        "conversation_id": tracker.sender_id,
        "language": language_of(tracker),
        "topic": code if code in topics.TOPIC_CODES else None,
        "urgency": tracker.get_slot("urgency") or "normal",
        "summary": tracker.get_slot("problem_summary") or "",
        "answers": answers,
        "contact": {
            "name": tracker.get_slot("contact_name") if tracker.get_slot("contact_name") != NONE else None,
            "company": company if company != NONE else None,
            "phone": methods.get("phone"),
            "email": methods.get("email"),
            "wechat_id": methods.get("wechat_id"),
            "preferred_channel": channel,
        },
        "counterparty": counterparty,
        "consent": {
            "notice_version": intake.NOTICE_VERSION,
            "given_at": tracker.get_slot("consent_given_at"),
            "share_with_firms": False,
            "sensitive": tracker.get_slot("sensitive_consent") == GIVEN
            if tracker.get_slot("sensitive_consent")
            else None,
        },
        "callback_requested": bool(tracker.get_slot("callback_requested")),
    }


class ValidateContactForm(AnswerValidation):
    """Consent first (nothing personal is asked before it), then only the details this matter
    needs, then the read-back. Every bad answer gets a specific hint; none loops forever."""

    def name(self) -> str:
        return "validate_contact_form"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        if tracker.get_slot("privacy_consent") != GIVEN:
            return [] if tracker.get_slot("privacy_consent") == REFUSED else ["privacy_consent"]
        code = tracker.get_slot("topic")
        callback = bool(tracker.get_slot("callback_requested"))
        slots = ["privacy_consent"]
        if intake.is_sensitive(code, tracker.get_slot("answers") or {}):
            slots.append("sensitive_consent")
        slots.append("contact_name")
        if not callback:
            slots.append("contact_company")
        slots.append("contact_methods")
        if tracker.get_slot("contact_methods") == NONE:
            return []  # no way to reach the user: nothing to save
        if len(methods_given(tracker)) > 1:
            slots.append("preferred_channel")
        answers = tracker.get_slot("answers") or {}
        named = any(
            answers.get(k) not in (None, intake.SKIPPED, intake.UNCLEAR) for k in intake.COUNTERPARTY_KEYS
        )
        if code in intake.DISPUTE_TOPICS and not named and not callback:
            slots.append("counterparty")
        slots.append("summary_confirmed")
        return slots

    # -- helpers

    def _bad(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        hint: str,
        slot: str,
        give_up: Any,
        limit: int = intake.MAX_BAD_ANSWERS,
    ) -> dict[str, Any]:
        """A bad answer: the specific hint, or after `limit` in a row, `give_up` as the value."""
        bad = int(tracker.get_slot("bad_answers") or 0) + 1
        if bad < limit:
            dispatcher.utter_message(response=hint)
            return {slot: None, "bad_answers": bad}
        return {slot: give_up, "bad_answers": 0}

    @staticmethod
    def _ok(tracker: Tracker, **values: Any) -> dict[str, Any]:
        return {**values, "bad_answers": 0, **keep_language(tracker)}

    # -- consent

    def validate_privacy_consent(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        answer = _yes_no(tracker)
        if answer is True:
            return self._ok(tracker, privacy_consent=GIVEN, consent_given_at=_now())
        if answer is False:
            return self._ok(tracker, privacy_consent=REFUSED)
        # Consent is a clear yes: anything unclear, twice, counts as no.
        return self._bad(dispatcher, tracker, "utter_hint_consent", "privacy_consent", REFUSED)

    def validate_sensitive_consent(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        answer = _yes_no(tracker)
        if answer is None:
            result = self._bad(dispatcher, tracker, "utter_hint_consent", "sensitive_consent", REFUSED)
            if result["sensitive_consent"] != REFUSED:
                return result
            answer = False
        if answer is False:
            dispatcher.utter_message(response="utter_sensitive_refused")
        return self._ok(tracker, sensitive_consent=GIVEN if answer else REFUSED)

    # -- details

    def validate_contact_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        name = contact.parse_name(latest_text(tracker))
        if isinstance(name, contact.Problem):
            return self._bad(dispatcher, tracker, f"utter_hint_{name.code}", "contact_name", NONE)
        return self._ok(tracker, contact_name=name)

    def validate_contact_company(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if latest_intent(tracker) in ("dont_know", "deny"):
            return self._ok(tracker, contact_company=NONE)
        company = contact.parse_company(latest_text(tracker))
        if isinstance(company, contact.Problem):
            return self._bad(dispatcher, tracker, "utter_hint_company_invalid", "contact_company", NONE)
        return self._ok(tracker, contact_company=company)

    def validate_contact_methods(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        found = contact.parse_methods(latest_text(tracker))
        if not found.found:
            code = found.problems[0].code if found.problems else "methods_missing"
            return self._bad(
                dispatcher, tracker, f"utter_hint_{code}", "contact_methods", NONE, limit=MAX_BAD_CONTACT
            )
        if found.problems:  # one valid way is enough; say which part was not usable
            dispatcher.utter_message(response=f"utter_hint_{found.problems[0].code}")
        slots = {METHOD_SLOTS[method]: value for method, value in found.found.items()}
        return self._ok(tracker, contact_methods="ok", preferred_channel=None, **slots)

    def validate_preferred_channel(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        offered = [CHANNEL_OF_METHOD[m] for m in methods_given(tracker)]
        choice = latest_entity(tracker, "choice")
        text = latest_text(tracker).lower()
        words = {
            "phone": ("phone", "call", "电话", "手机"),
            "email": ("mail", "邮"),
            "wechat": ("wechat", "微信"),
        }
        picked = (
            choice
            if choice in offered
            else next((channel for channel in offered if any(w in text for w in words[channel])), None)
        )
        if picked is None:
            return self._bad(dispatcher, tracker, "utter_hint_channel", "preferred_channel", offered[0])
        return self._ok(tracker, preferred_channel=picked)

    def validate_counterparty(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = latest_text(tracker)
        if latest_intent(tracker) == "dont_know" or text == "/dont_know":
            return self._ok(tracker, counterparty=NONE)
        if intake.looks_like_garbage(text):
            return self._bad(dispatcher, tracker, "utter_hint_free_text", "counterparty", NONE)
        return self._ok(tracker, counterparty=" ".join(text.split())[:200])

    # -- read-back and corrections

    def validate_summary_confirmed(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = latest_text(tracker)
        choice = latest_entity(tracker, "choice") or ""
        field = (
            choice.removeprefix("field:") if choice.startswith("field:") else intake.field_to_correct(text)
        )
        if field:
            return {
                "summary_confirmed": None,
                "bad_answers": 0,
                **self._correct(field, text, dispatcher, tracker),
            }
        answer = _yes_no(tracker)
        if answer is True:
            return self._ok(tracker, summary_confirmed="yes")
        if answer is False or choice == "change":
            language = language_of(tracker)
            dispatcher.utter_message(
                response="utter_which_field", buttons=self._field_buttons(tracker, language)
            )
            return {"summary_confirmed": None, **keep_language(tracker)}
        # The user already agreed to the notice; after repeated unclear replies the lead is kept.
        return self._bad(
            dispatcher, tracker, "utter_hint_summary", "summary_confirmed", "yes", limit=MAX_BAD_CONTACT
        )

    def _correct(
        self, field: str, text: str, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> dict[str, Any]:
        """Applies a correction given inline ("email is a@b.com"), or clears the field so the
        form asks for it again."""
        if field in METHOD_SLOTS:
            found = contact.parse_methods(text)
            if field in found.found:
                dispatcher.utter_message(response="utter_field_updated")
                return {METHOD_SLOTS[field]: found.found[field]}
            return {METHOD_SLOTS[field]: None, "contact_methods": None}
        if field == "language":
            lowered = text.lower()
            if any(w in lowered for w in ("english", "英文", "英语")):
                return {"language": "en"}
            if any(w in lowered for w in ("chinese", "中文", "汉语", "普通话")):
                return {"language": "zh"}
            return {}
        slot = {
            "name": "contact_name",
            "company": "contact_company",
            "preferred_channel": "preferred_channel",
            "counterparty": "counterparty",
        }[field]
        return {slot: None}

    @staticmethod
    def _field_buttons(tracker: Tracker, language: str) -> list[dict[str, str]]:
        fields = ["name", "company", *methods_given(tracker)]
        if tracker.get_slot("counterparty") and tracker.get_slot("counterparty") != NONE:
            fields.append("counterparty")
        return [
            {"title": intake.text(f"fields.{f}", language), "payload": f'/choose{{"choice": "field:{f}"}}'}
            for f in fields
        ]


class ActionAskPreferredChannel(Action):
    def name(self) -> str:
        return "action_ask_preferred_channel"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        language = language_of(tracker)
        buttons = [
            {
                "title": intake.text(f"channels.{CHANNEL_OF_METHOD[m]}", language),
                "payload": f'/choose{{"choice": "{CHANNEL_OF_METHOD[m]}"}}',
            }
            for m in methods_given(tracker)
        ]
        dispatcher.utter_message(text=intake.text("ask_preferred_channel", language), buttons=buttons)
        return []


class ActionAskSummaryConfirmed(Action):
    """Reads back everything the lead will hold, with "confirm" and "change" buttons."""

    def name(self) -> str:
        return "action_ask_summary_confirmed"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        language = language_of(tracker)
        dispatcher.utter_message(
            text=intake.summary(lead_fields(tracker), language) + "\n" + intake.text("ask_confirm", language),
            buttons=[
                {"title": intake.text("confirm_button", language), "payload": '/choose{"choice": "confirm"}'},
                {"title": intake.text("change_button", language), "payload": '/choose{"choice": "change"}'},
            ],
        )
        return []


class ActionCompleteIntake(Action):
    """After the contact form: saves the lead (idempotently; spooled if the database is down)
    and says what happens next - or, without consent or a way to reach the user, saves nothing."""

    def name(self) -> str:
        return "action_complete_intake"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        if tracker.get_slot("privacy_consent") != GIVEN:
            dispatcher.utter_message(response="utter_consent_refused")
            return []
        if tracker.get_slot("contact_methods") == NONE or not methods_given(tracker):
            dispatcher.utter_message(response="utter_no_contact_no_lead")
            return []
        key = f"{tracker.sender_id}:{tracker.get_slot('intake_id')}"
        # Confirmed now: a lead spooled while the database is down keeps this time.
        fields = {**lead_fields(tracker), "created_at": leads.utcnow()}
        lead = leads.save_or_spool(sessions(), key, fields)
        if lead is None:
            dispatcher.utter_message(response="utter_lead_pending")
            return [SlotSet("lead_id", "pending:" + key)]
        reference = lead.id[:8]
        if tracker.get_slot("lead_id") == lead.id:
            dispatcher.utter_message(response="utter_lead_already_saved", lead_ref=reference)
            return []
        saved = "utter_lead_saved_urgent" if lead.urgency == "high" else "utter_lead_saved"
        dispatcher.utter_message(response=saved, lead_ref=reference)
        return [SlotSet("lead_id", lead.id), *offer_firms(dispatcher, lead.id, language_of(tracker))]


def offer_firms(dispatcher: CollectingDispatcher, lead_id: str, language: str) -> list[EventType]:
    """Matches firms to the saved lead and asks the separate consent that names them (PIPL
    Art. 23); with no suitable firm, says honestly that the team will find one."""
    try:
        with sessions()() as session:
            lead = leads.find(session, lead_id)
            matches = matching.match_lead(session, lead)
            stored = list(lead.matches or [])
    except SQLAlchemyError:  # the lead is saved; staff match it when the database is back
        dispatcher.utter_message(response="utter_matching_later")
        return []
    if not matches:
        dispatcher.utter_message(response="utter_needs_sourcing")
        return []
    dispatcher.utter_message(
        text=sharing.describe_recipients(stored, language),
        buttons=[
            {"title": intake.text("share_yes", language), "payload": "/affirm"},
            {"title": intake.text("share_no", language), "payload": "/deny"},
        ],
    )
    return [SlotSet("share_offer", [m["firm_id"] for m in stored])]


class ActionShareLead(Action):
    """The answer to the consent naming the firms: yes puts the lead in the outbox for those
    firms (the delivery worker sends it); no keeps it with the platform."""

    def name(self) -> str:
        return "action_share_lead"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        firm_ids = tracker.get_slot("share_offer")
        lead_id = tracker.get_slot("lead_id")
        if not firm_ids or not lead_id:
            dispatcher.utter_message(response="utter_anything_else")
            return []
        agreed = _yes_no(tracker) is True
        try:
            with sessions()() as session:
                lead = leads.find(session, lead_id)
                if agreed:
                    sharing.share(session, lead, firm_ids, language_of(tracker))
                else:
                    sharing.decline_share(session, lead)
        except SQLAlchemyError:  # the offer stays open: the user answers again in a moment
            dispatcher.utter_message(response="utter_database_unavailable")
            return []
        dispatcher.utter_message(response="utter_shared" if agreed else "utter_share_declined")
        return [SlotSet("share_offer", None)]
