"""The intake's domain logic: questions, answers, triage, summary and corrections."""

import pytest

from bot import intake, topics


def question(code, key):
    return next(q for q in topics.get(code).questions if q.key == key)


@pytest.mark.parametrize(
    ("message", "reasons"),
    [
        ("our server is being hacked right now", ["ongoing_incident"]),
        ("服务器正在被攻击，数据还在外泄", ["ongoing_incident"]),
        ("老板昨天被公安带走了", ["detention"]),
        ("Police came to our office and took the servers", ["authority_contact"]),
        ("网信办约谈我们，要求10天内整改", ["authority_contact", "deadline"]),
        ("CAC sent us a notice to respond within 7 days", ["authority_contact", "deadline"]),
        ("we have to reply by Friday", ["deadline"]),
        ("限期十五天整改", []),
        ("we need ICP filing for our new website", []),
        ("我们正在开发一个App，要备案吗", []),
        ("the contract dispute has been going on for 30 days", []),
    ],
)
def test_triage_finds_what_makes_a_matter_urgent(message, reasons):
    assert intake.triage(message) == reasons


def test_answers_can_make_a_matter_urgent():
    assert intake.triage("", {"ongoing_or_contained": "ongoing"}) == ["ongoing_incident"]
    assert intake.triage("", {"stage": "detained"}) == ["detention"]
    assert intake.triage("", {"deadline": "下周三之前"}) == ["deadline"]
    assert intake.triage("", {"deadline": "in two months"}) == []


def test_urgent_matters_keep_only_the_essential_questions():
    assert [q.key for q in intake.questions_for("data_breach", "high")] == [
        "ongoing_or_contained",
        "affected_data",
        "regulators_involved",
    ]
    assert len(intake.questions_for("ip", "high")) == intake.URGENT_QUESTIONS


@pytest.mark.parametrize(
    ("raw", "choice", "intent", "expected"),
    [
        ("", "ongoing", "choose", "ongoing"),
        ("2", None, "choose", "contained"),
        ("选1", None, "choose", "ongoing"),
        ("仍在持续", None, "nlu_fallback", "ongoing"),
        ("Contained", None, "nlu_fallback", "contained"),
        ("no idea", None, "dont_know", intake.SKIPPED),
        ("跳过", None, "nlu_fallback", intake.SKIPPED),
        ("asdfgh", None, "nlu_fallback", intake.Invalid("utter_hint_choose")),
        ("blue", None, "nlu_fallback", intake.Invalid("utter_hint_choose")),
        (
            "we think it stopped yesterday but are checking",
            None,
            "nlu_fallback",
            "we think it stopped yesterday but are checking",
        ),
    ],
)
def test_an_answer_to_a_choice_question(raw, choice, intent, expected):
    assert intake.interpret(question("data_breach", "ongoing_or_contained"), raw, choice, intent) == expected


def test_yes_and_no_answer_yes_no_questions():
    q = question("data_breach", "regulators_involved")
    assert intake.interpret(q, "yes", None, "affirm") == "yes"
    assert intake.interpret(q, "没有", None, "deny") == "no"


def test_free_text_is_kept_but_garbage_is_not():
    q = question("data_breach", "discovered_when")
    assert intake.interpret(q, "  last   Tuesday ", None, "nlu_fallback") == "last Tuesday"
    assert intake.interpret(q, "!!!!", None, "nlu_fallback") == intake.Invalid("utter_hint_free_text")
    assert (
        intake.interpret(q, "x" * 20000 + " y", None, "nlu_fallback")
        == ("x" * 20000 + " y")[: intake.MAX_ANSWER]
    )


@pytest.mark.parametrize("text", ["asdfgh", "qwerty", "zzzzzz", "???", "😀😀😀", "hjkl", "jkl;"])
def test_garbage_is_recognised(text):
    assert intake.looks_like_garbage(text)


@pytest.mark.parametrize("text", ["Germany", "AWS Singapore", "3000", "上周", "ok", "客户手机号"])
def test_real_answers_are_not_garbage(text):
    assert not intake.looks_like_garbage(text)


@pytest.mark.parametrize(
    ("message", "field"),
    [
        ("the phone is wrong", "phone"),
        ("电话写错了", "phone"),
        ("my email changed", "email"),
        ("company name should be Acme", "company"),
        ("微信号不对", "wechat_id"),
        ("名字错了", "name"),
        ("please use English", "language"),
        ("looks fine", None),
    ],
)
def test_which_field_a_correction_is_about(message, field):
    assert intake.field_to_correct(message) == field


def test_the_summary_reads_back_every_field_in_the_users_language():
    lead = {
        "topic": "data_breach",
        "urgency": "high",
        "summary": "服务器被攻击",
        "language": "zh",
        "answers": {"ongoing_or_contained": "ongoing", "affected_data": intake.SKIPPED},
        "contact": {"name": "王芳", "phone": "+8613812345678", "preferred_channel": "phone"},
        "counterparty": None,
    }
    text = intake.summary(lead, "zh")
    assert "数据泄露与网络安全事件（紧急）" in text
    assert "仍在持续" in text and "（跳过）" in text
    assert "王芳" in text and "+8613812345678" in text and "电话" in text and "中文" in text


def test_sensitive_answers_are_known_and_can_be_left_out():
    answers = {"involved_person": "staff", "stage": "detained"}
    assert intake.is_sensitive("criminal", answers)
    assert intake.without_sensitive("criminal", answers) == {}
    assert not intake.is_sensitive("icp", {"service_type": "commercial"})
