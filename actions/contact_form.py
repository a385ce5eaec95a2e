"""The contact form: the privacy notice and consent first (nothing personal is asked before
it), then only the details this matter needs, then the read-back with its corrections. The
parsing is `bot.contact`'s, the lead's shape `bot.lead_draft`'s, the read-back `bot.readback`'s."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.conversation import language_of, latest_text, said, send
from actions.forms import AnswerValidation, sensitive_consent_answer
from bot import answers, contact, intake, readback
from bot.language import language_named
from bot.lead_draft import DECLINED, GIVEN, METHOD_STATE, REFUSED, draft, methods_given, needs_counterparty
from bot.person import kept_as_typed, parse_person
from bot.replies import Choice

MAX_BAD_CONTACT = 3
# What the contact form records in `contact_methods` once at least one way to reach the user is known.
METHODS_GIVEN = "given"
_CHANNEL_WORDS = {
    "phone": ("call me", "phone call", "by phone", "打电话", "电话联系", "来电"),
    "email": ("email me", "by email", "email please", "邮件联系", "发邮件", "邮箱联系"),
    "wechat": ("wechat me", "by wechat", "via wechat", "微信联系", "加微信"),
}


# The slot a read-back correction of each field changes.
CORRECTED_SLOT = {
    "name": "contact_name",
    "company": "contact_company",
    "counterparty": "counterparty",
    **METHOD_STATE,
}


def now_iso() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def lead_of(tracker: Tracker) -> dict[str, Any]:
    """The lead as it would be saved now, from the tracker's slots."""
    return draft(
        tracker.current_slot_values(),
        tracker.sender_id,
        tracker.get_latest_input_channel() or "rest",
        language_of(tracker),
    )


def _stated_channel(text: str) -> str | None:
    lowered = text.lower()
    return next(
        (channel for channel, words in _CHANNEL_WORDS.items() if any(w in lowered for w in words)), None
    )


def details_in(text: str) -> dict[str, Any]:
    """Contact details found in any answer: the slots they fill."""
    found = contact.parse_methods(text).found
    slots: dict[str, Any] = {METHOD_STATE[method]: value for method, value in found.items()}
    if slots:
        slots["contact_methods"] = METHODS_GIVEN
    channel = _stated_channel(text)
    if channel:
        slots["preferred_channel"] = channel
    return slots


class ValidateContactForm(AnswerValidation):
    """Consent, the name (and company), the ways to reach the user, the other party where there is
    a dispute, the read-back. Every bad answer gets a specific hint; none loops forever."""

    def name(self) -> str:
        return "validate_contact_form"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        consent = tracker.get_slot("privacy_consent")
        if consent != GIVEN:
            return [] if consent == REFUSED else ["privacy_consent"]
        state = tracker.current_slot_values()
        slots = ["privacy_consent"]
        if intake.is_sensitive(
            tracker.get_slot("topic"),
            tracker.get_slot("answers") or {},
            tracker.get_slot("urgency_reasons") or (),
        ):
            slots.append("sensitive_consent")  # asked here only when the questions did not need it
        slots += ["contact_name", "contact_methods"]
        if tracker.get_slot("contact_methods") == DECLINED:
            return []  # no way to reach the user: nothing to save
        if needs_counterparty(state) and tracker.get_slot("counterparty") is None:
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

    # -- consent

    def validate_privacy_consent(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        answer = answers.agreement(said(tracker))
        if answer is True:
            return {"privacy_consent": GIVEN, "consent_given_at": now_iso(), "bad_answers": 0}
        if answer is False:
            return {"privacy_consent": REFUSED, "bad_answers": 0}
        # Consent is a clear yes, a refusal a clear no: an unclear answer is neither, however
        # often. The question is asked again, briefly, with its two buttons.
        return {"privacy_consent": None, "bad_answers": int(tracker.get_slot("bad_answers") or 0) + 1}

    def validate_sensitive_consent(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return sensitive_consent_answer(dispatcher, tracker)

    # -- details

    def validate_contact_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = latest_text(tracker)
        person = parse_person(text)
        if isinstance(person, contact.Problem):
            result = self._bad(dispatcher, tracker, f"utter_hint_{person.code}", "contact_name", DECLINED)
            kept = kept_as_typed(text)
            if result["contact_name"] == DECLINED and kept:
                result["contact_name"] = (
                    kept  # asked twice: keep what was typed, correctable at the read-back
                )
            return result
        slots: dict[str, Any] = {"contact_name": person.name, "bad_answers": 0, **details_in(text)}
        if person.company:
            slots["contact_company"] = person.company
        return slots

    def validate_contact_methods(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = latest_text(tracker)
        found = contact.parse_methods(text)
        phone = tracker.get_slot("contact_phone")
        if found.wechat_same_as_phone and not found.phone and phone:
            # "微信同手机号" after the phone was given: the WeChat ID is that number
            return {
                "contact_wechat": phone.removeprefix("+86"),
                "contact_methods": METHODS_GIVEN,
                "bad_answers": 0,
            }
        if not found.found:
            code = found.problems[0].code if found.problems else "methods_missing"
            return self._bad(
                dispatcher, tracker, f"utter_hint_{code}", "contact_methods", DECLINED, limit=MAX_BAD_CONTACT
            )
        if found.problems:  # one valid way is enough; say which part was not usable
            dispatcher.utter_message(response=f"utter_hint_{found.problems[0].code}")
        return {**details_in(text), "bad_answers": 0}

    def validate_counterparty(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        heard = said(tracker)
        if answers.is_skip(heard) or heard.meaning == "dont_know":
            return {"counterparty": DECLINED, "bad_answers": 0}
        if answers.looks_like_garbage(heard.text):
            return self._bad(dispatcher, tracker, "utter_hint_free_text", "counterparty", DECLINED)
        return {"counterparty": " ".join(heard.text.split())[:200], "bad_answers": 0}

    # -- read-back and corrections

    def validate_summary_confirmed(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        heard = said(tracker)
        choice = heard.choice or ""
        field = choice.removeprefix("field:") if choice.startswith("field:") else None
        current_name = tracker.get_slot("contact_name")
        current_name = None if current_name == DECLINED else current_name
        if not field and heard.text and readback.is_confirmation(heard.text):
            # "电话对的", "phone correct now", "别的都对": nothing to change
            return {"summary_confirmed": "yes", "bad_answers": 0}
        field = field or (readback.field_to_correct(heard.text, current_name) if heard.text else None)
        if field:
            return {
                "summary_confirmed": None,
                "bad_answers": 0,
                **self._correct(
                    field, heard.text, dispatcher, tracker.get_slot(CORRECTED_SLOT.get(field, field))
                ),
            }
        answer = answers.agreement(heard)
        if answer is True:
            return {"summary_confirmed": "yes", "bad_answers": 0}
        if answer is False or choice == "change":
            language = language_of(tracker)
            send(dispatcher, intake.text("which_field", language), self._field_choices(tracker, language))
            return {"summary_confirmed": None}
        # The user already agreed to the notice; after repeated unclear replies the lead is kept.
        return self._bad(
            dispatcher, tracker, "utter_hint_summary", "summary_confirmed", "yes", limit=MAX_BAD_CONTACT
        )

    @staticmethod
    def _correct(
        field: str, text: str, dispatcher: CollectingDispatcher, current: str | None = None
    ) -> dict[str, Any]:
        """Applies a correction given inline ("email is a@b.com", "是刘洋不是刘阳") to that field
        alone, or clears the field so the form asks for it again."""
        if field == "language":
            wanted = language_named(text)
            return {"language": wanted} if wanted else {}
        if field == "preferred_channel":
            channel = _stated_channel(text) or next(
                (
                    c
                    for c, word in (
                        ("wechat", "微信"),
                        ("wechat", "wechat"),
                        ("email", "mail"),
                        ("email", "邮"),
                        ("phone", "电话"),
                        ("phone", "phone"),
                    )
                    if word in text.lower()
                ),
                None,
            )
            if channel:
                dispatcher.utter_message(response="utter_field_updated")
                return {"preferred_channel": channel}
            return {}
        new_value = readback.corrected_value(field, text, current) if text else None
        slot = CORRECTED_SLOT[field]
        if new_value:
            dispatcher.utter_message(response="utter_field_updated")
            return {slot: new_value}
        if field in METHOD_STATE:
            return {slot: None, "contact_methods": None}
        if field == "company":
            return {slot: None, "contact_name": None}  # asked again with the name
        return {slot: None}

    @staticmethod
    def _field_choices(tracker: Tracker, language: str) -> list[Choice]:
        fields = ["name", "company", *methods_given(tracker.current_slot_values())]
        if tracker.get_slot("counterparty") not in (None, DECLINED):
            fields.append("counterparty")
        return [Choice(intake.text(f"fields.{f}", language), f"field:{f}") for f in fields]


class ActionAskSummaryConfirmed(Action):
    """Reads back everything the lead will hold, with "confirm" and "change" buttons."""

    def name(self) -> str:
        return "action_ask_summary_confirmed"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        language = language_of(tracker)
        send(
            dispatcher,
            readback.summary(lead_of(tracker), language) + "\n" + intake.text("ask_confirm", language),
            [
                Choice(intake.text("confirm_button", language), "confirm"),
                Choice(intake.text("change_button", language), "change"),
            ],
        )
        return []
