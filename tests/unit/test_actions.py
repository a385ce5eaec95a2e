"""The actions, run against trackers the way the action server builds them."""

import re
from pathlib import Path

import pytest

from actions.contact_form import ValidateContactForm
from actions.intake_form import ActionAskIntakeAnswer, ActionStartIntake, ValidateIntakeForm
from actions.topic import ActionOfferTopics, topic_buttons
from bot import intake, topics
from bot.lead_draft import GIVEN, REFUSED
from tests.support.trackers import run, slot, tracker, validate

ACTIONS_DIR = Path(__file__).resolve().parents[2] / "actions"


def test_a_chinese_icp_question_is_named_in_chinese_and_the_intake_set_up(domain):
    t = tracker(
        "我们的小程序上线要做ICP备案吗",
        "topic_icp",
        language="zh",
        entities=[{"entity": "permit", "value": "ICP备案"}, {"entity": "language", "value": "zh"}],
    )
    messages, events = run(ActionStartIntake(), t, domain)
    assert [m["text"] for m in messages] == [topics.get("icp").acknowledge["zh"]]
    assert slot(events, "topic") == "icp"
    assert slot(events, "urgency") == "normal"
    assert slot(events, "answers") == {}
    assert slot(events, "legal_terms") == ["ICP备案"]
    assert slot(events, "problem_summary") == "我们的小程序上线要做ICP备案吗"


def test_an_ongoing_attack_gets_the_immediate_steps_first_and_fewer_questions(domain):
    t = tracker("our servers are being hacked right now and data is leaking", "topic_data_breach")
    messages, events = run(ActionStartIntake(), t, domain)
    assert messages[1]["text"].startswith("This sounds urgent")
    assert slot(events, "urgency") == "high"
    assert len(intake.questions_for("data_breach", "high")) < len(intake.questions_for("data_breach"))


def test_the_next_question_comes_with_its_options_as_buttons(domain):
    t = tracker("x", "nlu_fallback", language="en", topic="data_breach", urgency="normal", answers={})
    messages, _ = run(ActionAskIntakeAnswer(), t, domain)
    assert messages[0]["text"] == topics.get("data_breach").questions[0].text["en"]
    assert [b["title"] for b in messages[0]["buttons"]][:2] == ["Still ongoing", "Contained"]


def test_a_button_answer_is_stored_and_the_slot_cleared_for_the_next_question(domain):
    t = tracker(
        '/choose{"choice": "ongoing"}',
        "choose",
        "en",
        entities=[{"entity": "choice", "value": "ongoing"}],
        topic="data_breach",
        urgency="normal",
        answers={},
        problem_summary="we were hacked",
    )
    result, messages = validate(ValidateIntakeForm(), "intake_answer", t, domain)
    assert result["intake_answer"] is None
    assert result["answers"] == {"ongoing_or_contained": "ongoing"}
    assert result["urgency"] == "high"  # the answer revealed an ongoing incident
    assert messages[0]["text"].startswith("This sounds urgent")


def test_two_bad_answers_in_a_row_move_on(domain):
    base = dict(topic="icp", urgency="normal", answers={}, problem_summary="")
    first, hints = validate(
        ValidateIntakeForm(), "intake_answer", tracker("asdfgh", "nlu_fallback", "en", **base), domain
    )
    assert first == {"intake_answer": None, "bad_answers": 1}
    assert hints[0]["response"] == "utter_hint_choose"
    second, notes = validate(
        ValidateIntakeForm(),
        "intake_answer",
        tracker("qwerty", "nlu_fallback", "en", bad_answers=1, **base),
        domain,
    )
    assert second["answers"] == {"mainland_access": intake.UNCLEAR}
    assert notes[0]["response"] == "utter_moving_on"


def test_a_bad_phone_gets_a_specific_hint(domain):
    t = tracker("1381234567", "nlu_fallback", "zh")
    result, messages = validate(ValidateContactForm(), "contact_methods", t, domain)
    assert result["contact_methods"] is None
    assert messages[0]["response"] == "utter_hint_phone_length"


def test_several_contact_methods_in_one_message_are_each_stored(domain):
    t = tracker("+86 138-1234-5678，微信 li_wei88", "nlu_fallback", "zh")
    result, _ = validate(ValidateContactForm(), "contact_methods", t, domain)
    assert result["contact_phone"] == "+8613812345678"
    assert result["contact_wechat"] == "li_wei88"


def test_an_unclear_message_gets_every_topic_as_a_button_in_the_users_language(domain):
    messages, events = run(ActionOfferTopics(), tracker("嗯 这个事情", "nlu_fallback", "zh"), domain)
    assert events == []
    assert messages[0]["response"] == "utter_topic_buttons_intro"
    assert messages[0]["buttons"] == topic_buttons("zh")
    assert messages[0]["buttons"][0]["payload"] == "/topic_icp"


def test_every_action_and_response_the_actions_name_is_in_the_domain(domain):
    source = "\n".join(p.read_text(encoding="utf-8") for p in ACTIONS_DIR.glob("*.py"))
    named_actions = set(re.findall(r'return "((?:action|validate)_[a-z_]+)"', source))
    assert named_actions and named_actions <= set(domain.action_names_or_texts)
    responses = set(re.findall(r'"(utter_[a-z_]+)"', source))
    from bot import contact

    hints = {f"utter_hint_{problem.code}" for problem in contact.PROBLEMS}
    missing = sorted((responses | hints) - set(domain.responses))
    assert not missing, f"responses used by actions but not in the domain: {missing}"


def test_every_response_has_a_chinese_variation_and_an_english_default(domain):
    for name, variations in domain.responses.items():
        conditions = [v.get("condition") for v in variations]
        assert any(c and c[0]["value"] == "zh" for c in conditions), name
        assert any(not c for c in conditions), name


DOWN = "postgresql://postgres@127.0.0.1:5432/lawbot_no_such_database"


def test_with_the_database_down_erasure_says_so_and_deletes_nothing(domain, monkeypatch):
    from actions.anytime import ActionFinishErasure

    monkeypatch.setenv("LAWBOT_DATABASE_URL", DOWN)
    messages, events = run(
        ActionFinishErasure(), tracker("确定", "affirm", "en", erasure_answer="yes"), domain
    )
    assert messages[0]["response"] == "utter_erasure_failed"
    assert not [e for e in events if e.get("name") == "erase_requested"], (
        "no erase flag: the conversation must not be deleted while the lead is not"
    )


def test_with_the_database_down_my_data_still_shows_the_conversation(domain, monkeypatch):
    from actions.anytime import ActionAnswerDigression

    monkeypatch.setenv("LAWBOT_DATABASE_URL", DOWN)
    t = tracker(
        "我的信息", "show_my_data", "zh", topic="icp", contact_name="王芳", problem_summary="要备案吗"
    )
    messages, _ = run(ActionAnswerDigression(), t, domain)
    assert "王芳" in messages[0]["text"] and "数据库暂时连接不上" in messages[0]["text"]


def test_with_the_database_down_the_answer_to_the_firms_can_be_given_again(domain, monkeypatch):
    from actions.sharing import ActionShareLead

    monkeypatch.setenv("LAWBOT_DATABASE_URL", DOWN)
    t = tracker("/affirm", "affirm", "en", share_offer=[1], lead_id="0f0f0f0f-lead", share_answer="yes")
    messages, events = run(ActionShareLead(), t, domain)
    assert messages[0]["response"] == "utter_database_unavailable"
    assert not [e for e in events if e.get("name") == "share_offer"], "the offer stays open"


def test_a_typed_button_label_answers_the_firms(domain):
    from actions.sharing import ValidateShareForm

    for typed, expected in (
        ("不发送，只保留在平台", "no"),
        ("先不发", "no"),
        ("同意发送", "yes"),
        ("ok send it", "yes"),
    ):
        result, _ = validate(
            ValidateShareForm(), "share_answer", tracker(typed, "nlu_fallback", "zh"), domain
        )
        assert result["share_answer"] == expected, typed


def test_a_typed_confirmation_answers_the_erasure_question(domain):
    from actions.anytime import ValidateErasureForm

    for typed, expected in (("确定", "yes"), ("是的，删吧", "yes"), ("no, keep it", "no"), ("算了", "no")):
        result, _ = validate(
            ValidateErasureForm(), "erasure_answer", tracker(typed, "nlu_fallback", "zh"), domain
        )
        assert result["erasure_answer"] == expected, typed


def test_a_name_correction_at_the_read_back_changes_the_name_and_nothing_else(domain):
    t = tracker(
        "你把我名字写错了，是刘洋不是刘阳",
        "inform",
        "zh",
        topic="ip",
        contact_name="刘阳",
        contact_company="不凡科技有限公司",
        contact_phone="+8613904512233",
        contact_methods="given",
    )
    result, _ = validate(ValidateContactForm(), "summary_confirmed", t, domain)
    assert result["contact_name"] == "刘洋"
    assert result["summary_confirmed"] is None
    assert "contact_company" not in result and "contact_phone" not in result and "topic" not in result


def test_name_and_company_in_one_answer_fill_both(domain):
    t = tracker("王晓燕，不凡科技有限公司", "inform", "zh")
    result, _ = validate(ValidateContactForm(), "contact_name", t, domain)
    assert result["contact_name"] == "王晓燕"
    assert result["contact_company"] == "不凡科技有限公司"


def test_no_nothing_yet_is_an_answer_not_a_skip(domain):
    base = dict(topic="personal_info", urgency="normal", answers={}, problem_summary="")
    result, _ = validate(
        ValidateIntakeForm(),
        "intake_answer",
        tracker("设备ID、手机号、位置，用于推送和统计", "dont_know", "zh", **base),
        domain,
    )
    assert result["answers"]["data_collected"] == "设备ID、手机号、位置，用于推送和统计"


def test_a_corrected_tail_of_the_phone_replaces_only_its_end(domain):
    t = tracker(
        "电话写错了 尾号是7210 不是7201",
        "inform",
        "zh",
        topic="criminal",
        contact_name="贺兰",
        contact_phone="+8613945687201",
        contact_methods="given",
    )
    result, _ = validate(ValidateContactForm(), "summary_confirmed", t, domain)
    assert result["contact_phone"] == "+8613945687210"


def test_a_channel_label_typed_at_the_read_back_sets_how_to_be_contacted_and_nothing_else(domain):
    t = tracker(
        "phone call",
        "inform",
        "en",
        topic="icp",
        contact_name="Anna Petrova",
        contact_phone="+8613812345678",
        contact_email="anna@example.com",
        contact_methods="given",
    )
    result, _ = validate(ValidateContactForm(), "summary_confirmed", t, domain)
    assert result["preferred_channel"] == "phone"
    assert "contact_phone" not in result and "contact_methods" not in result


# ---------------------------------------------------------------- the separate sensitive consent

CRIMINAL = dict(
    topic="criminal",
    urgency="high",
    urgency_reasons=["detention"],
    problem_summary="我哥哥昨天被公安机关刑事拘留了",
    answers={},
)


def required(form, t, domain):
    import asyncio

    from rasa_sdk.executor import CollectingDispatcher

    return asyncio.run(form.required_slots([], CollectingDispatcher(), t, domain.as_dict()))


def test_the_sensitive_consent_is_asked_before_the_first_sensitive_question(domain):
    assert required(ValidateIntakeForm(), tracker("x", "inform", "zh", **CRIMINAL), domain) == [
        "sensitive_consent",
        "intake_answer",
    ]
    answering = tracker("好的", "affirm", "zh", sensitive_consent="好的", **CRIMINAL)  # as typed
    assert "sensitive_consent" in required(ValidateIntakeForm(), answering, domain), "so it is validated"
    given = tracker("x", "inform", "zh", sensitive_consent="given", **CRIMINAL)
    assert required(ValidateIntakeForm(), given, domain) == ["intake_answer"]
    icp = tracker("x", "inform", "zh", topic="icp", urgency="normal", answers={})
    assert required(ValidateIntakeForm(), icp, domain) == ["intake_answer"], "not for other matters"


@pytest.mark.parametrize("typed", ["好的", "yes", "同意", "可以", '/choose{"choice": "yes"}'])
def test_a_typed_yes_gives_the_consent_and_what_the_description_said_is_kept(typed, domain):
    t = tracker(typed, "affirm", "zh", **CRIMINAL)
    result, messages = validate(ValidateIntakeForm(), "sensitive_consent", t, domain)
    assert result["sensitive_consent"] == GIVEN and messages == []
    assert result["answers"] == {"stage": "detained", "involved_person": "relative"}
    after = tracker("x", "inform", "zh", **{**CRIMINAL, **result})
    assert required(ValidateIntakeForm(), after, domain) == [], "nothing left to ask"


@pytest.mark.parametrize("typed", ["不要记录", "no", "不同意", "No, leave them out"])
def test_a_refusal_skips_the_sensitive_questions(typed, domain):
    result, messages = validate(
        ValidateIntakeForm(), "sensitive_consent", tracker(typed, "deny", "en", **CRIMINAL), domain
    )
    assert result == {"sensitive_consent": REFUSED, "bad_answers": 0}
    assert messages[0]["response"] == "utter_sensitive_refused"
    after = tracker("x", "inform", "en", **{**CRIMINAL, **result})
    assert required(ValidateIntakeForm(), after, domain) == []
    # the contact form does not ask again: the next slot it requests is the name
    contact = tracker("x", "inform", "en", privacy_consent=GIVEN, **{**CRIMINAL, **result})
    slots = required(ValidateContactForm(), contact, domain)
    assert next(s for s in slots if contact.get_slot(s) is None) == "contact_name"


def test_an_unclear_answer_gets_a_hint_and_is_never_taken_for_a_no(domain):
    first, hints = validate(
        ValidateIntakeForm(), "sensitive_consent", tracker("what?", "nlu_fallback", "en", **CRIMINAL), domain
    )
    assert first == {"sensitive_consent": None, "bad_answers": 1}
    assert hints[0]["response"] == "utter_hint_sensitive_consent"
    second, hints = validate(
        ValidateIntakeForm(),
        "sensitive_consent",
        tracker("hmm", "nlu_fallback", "en", bad_answers=1, **CRIMINAL),
        domain,
    )
    assert second == {"sensitive_consent": None, "bad_answers": 2}
    assert hints[0]["response"] == "utter_hint_sensitive_consent"


def test_a_new_matter_in_the_same_conversation_keeps_the_sensitive_answer(domain):
    t = tracker(
        "我们的网站要做ICP备案吗", "topic_icp", "zh", sensitive_consent=REFUSED, privacy_consent=GIVEN
    )
    _, events = run(ActionStartIntake(), t, domain)
    assert "sensitive_consent" not in [e["name"] for e in events if e.get("event") == "slot"]
    assert slot(events, "privacy_consent") is None, "the privacy notice is per matter"
