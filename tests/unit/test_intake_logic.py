"""The intake's domain logic: questions, answers, the read-back and its corrections."""

from datetime import date

import pytest

from bot import answers, intake, readback, topics, triage
from bot.replies import Said

MEANING = {"affirm": "yes", "deny": "no", "dont_know": "dont_know"}


def triage_assess(story, answers):
    return triage.assess(story, answers, today=date(2026, 11, 25))


def heard(raw, choice=None, intent=None):
    return Said(raw, choice, MEANING.get(intent))


def question(code, key):
    return next(q for q in topics.get(code).questions if q.key == key)


def test_urgent_matters_keep_only_the_essential_questions():
    """Of their own; the question every topic asks after a demand with no date stays."""
    assert [q.key for q in intake.questions_for("data_breach", "high")] == [
        "ongoing_or_contained",
        "affected_data",
        "regulators_involved",
        "deadline",
    ]
    own = [q for q in intake.questions_for("ip", "high") if not q.after_demand]
    assert len(own) == intake.URGENT_QUESTIONS


@pytest.mark.parametrize(
    ("story", "asked"),
    [
        ("对方公司发来律师函，说我们交付晚了要赔钱", True),
        ("平台通知我们补交许可证，不补就下架", True),
        ("Our vendor sent a letter telling us to pay the disputed invoice or they will cut us off", True),
        ("The app store wrote to us asking us to remove the chat feature", True),
        ("律师函要求我们10天内回复", False),  # the date is told: it is read, not asked
        ("客户一直拖着尾款不给", False),  # no demand made of the user
        ("We are drafting a licence agreement", False),
    ],
)
def test_a_demand_with_no_date_is_asked_for_its_date_after_the_topics_questions(story, asked):
    answers = {q.key: "x" for q in topics.get("contract").questions if not q.after_demand}
    question = intake.next_question("contract", "normal", answers, story=story)
    assert (question is not None and question.key == "deadline") is asked
    # the date answered is read as one: within days, the matter is urgent
    if asked:
        assert triage_assess(story, {**answers, "deadline": "下周五之前"}).urgency == "high"


def test_a_topic_with_a_deadline_question_of_its_own_keeps_its_own():
    keys = [q.key for q in topics.get("investigation").questions]
    assert keys.count("deadline") == 1
    assert not next(q for q in topics.get("investigation").questions if q.key == "deadline").after_demand


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
        ("asdfgh", None, "nlu_fallback", intake.Invalid("choose")),
        ("blue", None, "nlu_fallback", intake.Invalid("choose")),
        (
            "we think it stopped yesterday but are checking",
            None,
            "nlu_fallback",
            "we think it stopped yesterday but are checking",
        ),
    ],
)
def test_an_answer_to_a_choice_question(raw, choice, intent, expected):
    assert (
        intake.interpret(question("data_breach", "ongoing_or_contained"), heard(raw, choice, intent))
        == expected
    )


def test_yes_and_no_answer_yes_no_questions():
    q = question("data_breach", "regulators_involved")
    assert intake.interpret(q, heard("yes", None, "affirm")) == "yes"
    assert intake.interpret(q, heard("没有", None, "deny")) == "no"


def test_free_text_is_kept_but_garbage_is_not():
    q = question("data_breach", "discovered_when")
    assert intake.interpret(q, heard("  last   Tuesday ", None, "nlu_fallback")) == "last Tuesday"
    assert intake.interpret(q, heard("!!!!", None, "nlu_fallback")) == intake.Invalid("free_text")
    assert (
        intake.interpret(q, heard("x" * 20000 + " y", None, "nlu_fallback"))
        == ("x" * 20000 + " y")[: intake.MAX_ANSWER]
    )


@pytest.mark.parametrize("text", ["asdfgh", "qwerty", "zzzzzz", "???", "😀😀😀", "hjkl", "jkl;"])
def test_garbage_is_recognised(text):
    assert answers.looks_like_garbage(text)


@pytest.mark.parametrize("text", ["Germany", "AWS Singapore", "3000", "上周", "ok", "客户手机号"])
def test_real_answers_are_not_garbage(text):
    assert not answers.looks_like_garbage(text)


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
    assert readback.field_to_correct(message) == field


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
    text = readback.summary(lead, "zh")
    assert "数据泄露与网络安全事件（紧急）" in text
    assert "仍在持续" in text and "（跳过）" in text
    assert "王芳" in text and "+8613812345678" in text and "电话" in text and "中文" in text


def test_sensitive_answers_are_known_and_can_be_left_out():
    given = {"involved_person": "staff", "stage": "detained"}
    assert intake.is_sensitive("criminal", given)
    assert intake.without_sensitive("criminal", given) == {}
    assert not intake.is_sensitive("icp", {"service_type": "commercial"})


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("looks good", True),
        ("对，没问题", True),
        ("确定", True),
        ("是的，删吧", True),
        ("no thanks, I just wanted the info", False),
        ("先不发", False),
        ("不发送，只保留在平台", False),
        ("the weather", None),
        # consent as people give it, and the buttons' numbers (yes is always the first button)
        ("Consent given", True),
        ("you have my permission", True),
        ("I accept", True),
        ("我接受", True),
        ("同意授权", True),
        ("ok的", True),
        ("1", True),
        ("１", True),
        ("2", False),
        ("2 no", False),
        ("absolutely not", False),
        ("not okay", False),
        ("I don't consent", False),
        ("不授权", False),
        ("12", None),
    ],
)
def test_a_typed_yes_or_no_is_understood_in_both_languages(typed, expected):
    assert answers.agreement(Said(typed)) is expected


def test_a_typed_label_or_part_of_it_picks_the_option():
    q = question("employment", "worker_type")
    assert intake.interpret(q, Said("员工")) == "employees"
    assert intake.interpret(q, Said("1")) == "employees"
    assert intake.interpret(q, Said("２")) == "contractors"


@pytest.mark.parametrize(
    ("message", "field", "value"),
    [
        ("你把我名字写错了，是刘洋不是刘阳", "name", "刘洋"),
        ("you forgot my name, it's Mike Zhang", "name", "Mike Zhang"),
        ("电话错了，应该是13904512234", "phone", "+8613904512234"),
        ("对方公司名字写错了，是深圳天成科技", "counterparty", "深圳天成科技"),
    ],
)
def test_a_correction_names_its_field_and_carries_the_new_value(message, field, value):
    assert readback.field_to_correct(message) == field
    assert readback.corrected_value(field, message) == value


def test_the_read_back_shows_urgency_reasons_in_plain_words_never_codes():
    lead = {
        "topic": "criminal",
        "urgency": "high",
        "summary": "我儿子被带走了",
        "language": "zh",
        "answers": {"triage": ["detention"]},
        "contact": {"name": "王芳"},
    }
    text = readback.summary(lead, "zh")
    assert "detention" not in text and "triage" not in text and "[" not in text


def test_a_company_named_plainly_at_the_read_back_is_taken_as_the_correction():
    message = "公司名写全一点 哈尔滨包尔汽车零部件有限公司"
    assert readback.field_to_correct(message) == "company"
    assert readback.corrected_value("company", message) == "哈尔滨包尔汽车零部件有限公司"


# ---------------------------------------------------------------- refused sensitive consent

DETAINED = "我哥哥昨天被公安机关刑事拘留了，涉嫌帮信罪"
CRIMINAL_STATE = {
    "topic": "criminal",
    "urgency": "high",
    "urgency_reasons": ["detention"],
    "problem_summary": DETAINED,
    "answers": {"involved_person": "relative", "stage": "detained"},
    "privacy_consent": "given",
    "consent_given_at": "2026-11-29T06:00:00Z",
    "contact_name": "王芳",
    "contact_phone": "+8613812345678",
    "counterparty": "某某公司",
}
SENSITIVE_WORDS = (DETAINED, "detention", "detained", "relative", "triage", "羁押", "拘留", "某某公司")


def test_a_refused_sensitive_consent_leaves_only_topic_urgency_language_and_contact():
    from bot.lead_draft import draft

    lead = draft({**CRIMINAL_STATE, "sensitive_consent": "refused"}, "rest:1", "rest", "zh")
    assert lead["topic"] == "criminal" and lead["urgency"] == "high" and lead["language"] == "zh"
    assert lead["summary"] == "" and lead["answers"] == {} and lead["counterparty"] is None
    assert lead["contact"]["name"] == "王芳" and lead["contact"]["phone"] == "+8613812345678"
    assert lead["consent"]["sensitive"] is False
    text = readback.summary(lead, "zh")  # the read-back shows what the lead holds, nothing more
    assert not any(word in text for word in SENSITIVE_WORDS), text


def test_a_given_sensitive_consent_keeps_the_details():
    from bot.lead_draft import draft

    lead = draft({**CRIMINAL_STATE, "sensitive_consent": "given"}, "rest:1", "rest", "zh")
    assert lead["summary"] == DETAINED and lead["answers"]["stage"] == "detained"
    assert lead["answers"]["triage"] == ["detention"] and lead["consent"]["sensitive"] is True


def test_a_refusal_in_an_earlier_matter_does_not_empty_a_matter_that_is_not_sensitive():
    from bot.lead_draft import draft

    state = {
        **CRIMINAL_STATE,
        "topic": "icp",
        "urgency": "normal",
        "urgency_reasons": [],
        "answers": {"service_type": "commercial"},
        "problem_summary": "网站要做ICP备案吗",
        "sensitive_consent": "refused",
    }
    lead = draft(state, "rest:1", "rest", "zh")
    assert lead["summary"] == "网站要做ICP备案吗" and lead["answers"] == {"service_type": "commercial"}


def test_the_firm_receives_nothing_sensitive_after_a_refusal(sqlite_url):
    import json

    from bot import db, leads
    from bot.delivery.sharing import firm_payload
    from bot.lead_draft import draft

    fields = draft({**CRIMINAL_STATE, "sensitive_consent": "refused"}, "rest:1", "rest", "zh")
    with db.session_scope(sqlite_url) as session:
        lead = leads.save(session, "rest:1:a", **fields)
        payload = firm_payload(lead)
        # even a lead stored with its details (before this fix, or by hand) goes out without them
        full = draft({**CRIMINAL_STATE, "sensitive_consent": "given"}, "rest:2", "rest", "zh")
        stored = leads.save(
            session, "rest:2:a", **{**full, "consent": {**full["consent"], "sensitive": False}}
        )
        second = firm_payload(stored)
    for sent in (payload, second):
        assert sent["topic"] == "criminal" and sent["urgency"] == "high" and sent["language"] == "zh"
        assert sent["contact"]["phone"] == "+8613812345678"
        assert sent["summary"] == "" and sent["answers"] == {} and sent["urgency_reasons"] == []
        assert sent["counterparty"] is None
        body = json.dumps(sent, ensure_ascii=False)
        assert not any(word in body for word in SENSITIVE_WORDS), body


def test_the_share_offer_says_the_firm_would_get_no_sensitive_detail_after_a_refusal():
    from bot.delivery.sharing import describe_recipients

    firm = [{"name": "Example Firm"}]
    assert "without the sensitive details" in describe_recipients(firm, "en", minimal=True)
    assert "不包括您要求不记录的敏感细节" in describe_recipients(firm, "zh", minimal=True)
    assert "your description of the problem" not in describe_recipients(firm, "en", minimal=True)
    assert "your description of the problem" in describe_recipients(firm, "en")
