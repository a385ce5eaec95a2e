"""An unclear answer to a consent, the offer to the firms or the read-back is never decided for
the user: the consent and the offer are asked again, briefly, with their two buttons; a field
named as right at the read-back confirms it; a request for the language in use is not announced
again."""

from typing import Any

import pytest
from rasa_sdk import Tracker

from actions.anytime import ActionAnswerDigression
from actions.contact_form import ValidateContactForm
from actions.intake_form import ValidateIntakeForm
from actions.notice import ActionAskPrivacyConsent
from actions.sharing import ActionAskShareAnswer, ValidateShareForm
from bot.lead_draft import GIVEN, REFUSED
from tests.support.trackers import run, tracker, validate

CRIMINAL = dict(
    topic="criminal",
    urgency="high",
    urgency_reasons=["detention"],
    problem_summary="我弟弟被派出所带走了",
    answers={},
)
READ_BACK = dict(
    topic="ip",
    contact_name="孙丽",
    contact_phone="+8613904512233",
    contact_email="sun@example.com",
    contact_methods="given",
)


def _with_events(t: Tracker, events: list[dict[str, Any]], loop: str | None = None) -> Tracker:
    return Tracker(
        sender_id=t.sender_id,
        slots=t.slots,
        latest_message=t.latest_message,
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": loop} if loop else {},
        latest_action_name="action_listen",
    )


@pytest.mark.parametrize("typed", ["嗯……我再想想", "律师收费吗", "what happens next", "hmm"])
def test_an_unclear_answer_to_the_privacy_notice_is_never_a_refusal(typed, domain):
    for bad in (0, 1, 2, 5):
        result, messages = validate(
            ValidateContactForm(),
            "privacy_consent",
            tracker(typed, "nlu_fallback", "zh", bad_answers=bad),
            domain,
        )
        assert result == {"privacy_consent": None, "bad_answers": bad + 1}
        assert messages == []


@pytest.mark.parametrize(
    ("typed", "expected"), [("存着吧", GIVEN), ("可以，存吧", GIVEN), ("不同意", REFUSED), ("no", REFUSED)]
)
def test_a_clear_answer_to_the_privacy_notice_decides(typed, expected, domain):
    result, _ = validate(ValidateContactForm(), "privacy_consent", tracker(typed, "inform", "zh"), domain)
    assert result["privacy_consent"] == expected


def test_after_an_unclear_answer_the_notice_is_asked_again_briefly(domain):
    t = tracker("hmm", "nlu_fallback", "en", bad_answers=1)
    asked = {"event": "bot", "text": "...", "metadata": {"utter_action": "utter_ask_privacy_consent"}}
    user = {"event": "user", "text": "hmm"}
    messages, _ = run(ActionAskPrivacyConsent(), _with_events(t, [asked, user]), domain)
    assert [m["response"] for m in messages] == ["utter_ask_privacy_consent_again"]
    # the first time, or after something else was said, the whole notice
    messages, _ = run(ActionAskPrivacyConsent(), _with_events(t, [user]), domain)
    assert [m["response"] for m in messages] == ["utter_ask_privacy_consent"]


@pytest.mark.parametrize("typed", ["这个要多久", "who will see it?"])
def test_an_unclear_answer_to_the_sensitive_consent_is_asked_again_however_often(typed, domain):
    for form in (ValidateIntakeForm(), ValidateContactForm()):
        for bad in (0, 1, 3):
            result, messages = validate(
                form,
                "sensitive_consent",
                tracker(typed, "nlu_fallback", "zh", bad_answers=bad, **CRIMINAL),
                domain,
            )
            assert result == {"sensitive_consent": None, "bad_answers": bad + 1}
            assert [m["response"] for m in messages] == ["utter_hint_sensitive_consent"]


@pytest.mark.parametrize("typed", ["记下来吧", "yes, you can store them"])
def test_consent_said_by_naming_what_may_be_done_is_given(typed, domain):
    result, _ = validate(
        ValidateIntakeForm(), "sensitive_consent", tracker(typed, "inform", "zh", **CRIMINAL), domain
    )
    assert result["sensitive_consent"] == GIVEN


def test_an_unclear_answer_to_the_firms_is_asked_again_briefly(domain):
    for bad in (0, 1, 4):
        result, messages = validate(
            ValidateShareForm(),
            "share_answer",
            tracker("这些律所靠谱吗", "nlu_fallback", "zh", bad_answers=bad),
            domain,
        )
        assert result == {"share_answer": None, "bad_answers": bad + 1}
    t = tracker("hm", "nlu_fallback", "zh", bad_answers=1, share_offer=["f1"], lead_id="x")
    offer = {
        "event": "bot",
        "text": "...",
        "data": {"buttons": [{"title": "同意发送", "payload": '/choose{"choice": "yes"}'}]},
    }
    messages, _ = run(
        ActionAskShareAnswer(), _with_events(t, [offer, {"event": "user", "text": "hm"}]), domain
    )
    assert messages[0]["response"] == "utter_ask_share_again"
    assert len(messages[0]["buttons"]) == 2


@pytest.mark.parametrize(
    "typed", ["电话没问题", "邮箱这回对了", "其余都对", "phone is right now", "the rest is fine"]
)
def test_a_field_named_as_right_at_the_read_back_confirms(typed, domain):
    result, _ = validate(
        ValidateContactForm(), "summary_confirmed", tracker(typed, "inform", "zh", **READ_BACK), domain
    )
    assert result == {"summary_confirmed": "yes", "bad_answers": 0}


@pytest.mark.parametrize(
    ("typed", "phone"),
    [
        ("打反了，+853 6612 4433", "+85366124433"),
        ("sorry, it's +49 151 2345 6789", "+4915123456789"),
        ("电话错了，应该是13904512234", "+8613904512234"),
    ],
)
def test_a_new_number_at_the_read_back_replaces_the_phone_only(typed, phone, domain):
    result, _ = validate(
        ValidateContactForm(), "summary_confirmed", tracker(typed, "inform", "zh", **READ_BACK), domain
    )
    assert result["contact_phone"] == phone
    assert result["summary_confirmed"] is None
    assert "contact_email" not in result and "contact_name" not in result


@pytest.mark.parametrize("typed", ["邮箱错了", "the email is wrong"])
def test_a_real_correction_still_reopens_the_field(typed, domain):
    result, _ = validate(
        ValidateContactForm(), "summary_confirmed", tracker(typed, "inform", "en", **READ_BACK), domain
    )
    assert result["summary_confirmed"] is None
    assert result["contact_email"] is None


def test_a_request_for_the_language_in_use_is_not_announced_again(domain):
    t = tracker("说中文", "switch_language", "zh")
    user = {"event": "user", "text": "说中文"}
    # inside a form, with no change: nothing said, the form asks its question again
    messages, _ = run(ActionAnswerDigression(), _with_events(t, [user], loop="contact_form"), domain)
    assert messages == []
    # a real change is announced
    changed = [user, {"event": "slot", "name": "language", "value": "zh"}]
    messages, _ = run(ActionAnswerDigression(), _with_events(t, changed, loop="contact_form"), domain)
    assert [m["response"] for m in messages] == ["utter_language_switched"]
    # outside a form, announced once, then not again
    said_before = [
        {"event": "slot", "name": "language", "value": "zh"},
        {"event": "bot", "text": "好的", "metadata": {"utter_action": "utter_language_switched"}},
        user,
    ]
    messages, _ = run(ActionAnswerDigression(), _with_events(t, said_before), domain)
    assert messages == []
