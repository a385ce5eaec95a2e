"""The first replies to an urgent matter, from the real `ActionStartIntake`: someone reporting a
breach still under way sees the reporting duty and its clock, and a family reporting a detention
sees what it can and cannot do, in English and in Chinese (issue 12, "How we will know")."""

import pytest

from actions.intake_form import ActionStartIntake
from tests.support.trackers import run, slot, tracker


def in_order(text: str, parts: list[str]) -> bool:
    positions = [text.index(part) for part in parts]
    return positions == sorted(positions)


# ---------------------------------------------------------------- a breach still under way

BREACH = {
    "en": "Our servers are being hacked right now and customer data is still leaking.",
    "zh": "我们的服务器正在被黑客攻击，客户数据还在不断外泄。",
}
# What the knowledge texts say (bot/knowledge/topics/data_breach.yml, bot/knowledge/intake.yml),
# after the CAC's Incident Reporting Measures Art. 4: "relatively major" or worse within 4 hours
# to the provincial cyberspace administration, within 1 hour where CII is involved.
BREACH_CLOCK = {
    "en": {
        "grade": '"relatively major"',
        "regulator": "provincial cyberspace administration",
        "four": "within 4 hours",
        "one": "within 1 hour",
        "starts": "discover",
    },
    "zh": {
        "grade": "较大",
        "regulator": "省级网信部门",
        "four": "4小时内",
        "one": "1小时内",
        "starts": "发现",
    },
}
BREACH_STEPS = {
    # contain, preserve, record the discovery time, grade, report, police, notify the people
    "en": [
        "Contain it",
        "Preserve logs",
        "Write down when the incident was discovered",
        "Grade it",
        "report to the provincial cyberspace administration within 4 hours",
        "report it to the police",
        "notify the authorities in charge of personal information protection and the people affected",
    ],
    "zh": [
        "控制事态",
        "保全日志",
        "记下发现事件的时间",
        "定级",
        "在发现后4小时内向属地省级网信部门报告",
        "向公安机关报案",
        "通知个人信息保护主管部门和受影响的个人",
    ],
}
BREACH_CITATIONS = {
    "en": [
        "(Incident Reporting Measures Art. 4, Art. 7)",
        "(Network Data Regulations Art. 11)",
        "(PIPL Art. 57)",
    ],
    "zh": [
        "（《国家网络安全事件报告管理办法》第四条、第七条）",
        "（《网络数据安全管理条例》第十一条）",
        "（《个人信息保护法》第五十七条）",
    ],
}


@pytest.mark.parametrize("language", ["en", "zh"])
def test_an_ongoing_breach_is_told_the_reporting_duty_and_its_clock_in_the_first_reply(language, domain):
    messages, events = run(
        ActionStartIntake(), tracker(BREACH[language], "topic_data_breach", language), domain
    )

    assert slot(events, "topic") == "data_breach"
    assert slot(events, "urgency") == "high"
    assert "ongoing_incident" in slot(events, "urgency_reasons")
    # The very first message already names the duty, the grade, the regulator and the hours.
    first = messages[0]["text"]
    for part in BREACH_CLOCK[language].values():
        assert part in first, part


@pytest.mark.parametrize("language", ["en", "zh"])
def test_an_ongoing_breach_gets_the_urgent_steps_in_the_laws_order_with_their_sources(language, domain):
    messages, _ = run(ActionStartIntake(), tracker(BREACH[language], "topic_data_breach", language), domain)

    steps = messages[1]["text"]
    heading = "This sounds urgent" if language == "en" else "情况比较紧急"
    assert steps.startswith(heading)
    assert in_order(steps, BREACH_STEPS[language])
    assert BREACH_CLOCK[language]["one"] in steps  # critical information infrastructure
    for citation in BREACH_CITATIONS[language]:
        assert citation in steps, citation
    # Containment cuts the network, it does not switch machines off or wipe them.
    assert ("rather than switching them off" if language == "en" else "而不是直接关机") in steps
    # No promise of a call-back time next to the clock.
    assert not any(word in steps for word in ("business day", "today", "工作日", "今天"))


# ---------------------------------------------------------------- a family reporting a detention

DETENTION = {
    "en": "My brother was detained by the police yesterday and we do not know where he is.",
    "zh": "我哥哥昨天被公安机关刑事拘留了，家里人不知道他被关在哪里。",
}
# bot/knowledge/intake.yml immediate.detention, step by step.
DETENTION_STEPS = {
    "en": [
        # 1. notice to the family, where the person is held
        "notify the family within 24 hours",
        "(Criminal Procedure Law Art. 85)",
        "names the detention house",
        # 2. the lawyer's role
        "A close relative can appoint a defence lawyer now",
        "only a lawyer can act as defender and visit",
        "within 48 hours",
        "duty lawyer",
        # 3. the time limits, submissions and bail
        "up to 37 days in all",
        "(Criminal Procedure Law Art. 91)",
        "put the defence's views to the procuratorate",
        "apply for bail pending trial, answered within 3 days",
        "(Criminal Procedure Law Art. 97)",
        # 4. the detained person's rights over the record
        "read the record of questioning",
        "to an interpreter",
        # 5. what the family must not do; "connections" scams
        "must not delete the person's data",
        "(Criminal Law Art. 307)",
        "common scam",
        # 6. foreigners
        "consulate",
        "(Vienna Convention on Consular Relations Art. 36)",
    ],
    "zh": [
        "24小时内通知家属",
        "（《刑事诉讼法》第八十五条）",
        "拘留通知书会写明羁押的看守所",
        "近亲属现在就可以代为委托辩护律师",
        "侦查期间只有律师可以担任辩护人并会见",
        "48小时内",
        "值班律师",
        "合计最长37日",
        "（《刑事诉讼法》第九十一条）",
        "辩护律师可以向检察院提出意见",
        "可以申请取保候审，有关机关应当在3日内作出决定",
        "（《刑事诉讼法》第九十七条）",
        "核对讯问笔录",
        "有权使用翻译",
        "家属不得删除当事人的数据",
        "（《刑法》第三百零七条）",
        "常见是诈骗",
        "领事馆",
        "（《维也纳领事关系公约》第三十六条）",
    ],
}


@pytest.mark.parametrize("language", ["en", "zh"])
def test_a_family_reporting_a_detention_sees_the_detention_steps_first(language, domain):
    messages, events = run(
        ActionStartIntake(), tracker(DETENTION[language], "topic_criminal", language), domain
    )

    assert slot(events, "topic") == "criminal"
    assert slot(events, "urgency") == "high"
    assert slot(events, "urgency_reasons")[0] == "detention"
    # What the description says of the person and the stage waits for the sensitive consent.
    assert slot(events, "answers") == {}
    steps = messages[1]["text"]
    heading = "This sounds urgent" if language == "en" else "情况比较紧急"
    assert steps.startswith(heading)
    detention = steps.split("\n• ")[1]  # the first step after the heading
    assert detention.startswith("If someone is detained" if language == "en" else "如有人被羁押")
    assert in_order(detention, DETENTION_STEPS[language])
    assert in_order(detention, [f"{n}. " for n in range(1, 7)])


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_detention_steps_state_rights_not_advice_and_promise_no_outcome(language, domain):
    messages, _ = run(ActionStartIntake(), tracker(DETENTION[language], "topic_criminal", language), domain)

    steps = messages[1]["text"]
    advice = ("Do not sign", "不要签字", "看不懂的笔录")
    assert not any(phrase in steps for phrase in advice)
    assert not any(word in steps for word in ("business day", "today", "工作日", "今天"))


@pytest.mark.parametrize("language", ["en", "zh"])
def test_a_detention_described_by_someone_who_already_consented_is_not_asked_again(language, domain):
    t = tracker(DETENTION[language], "topic_criminal", language, sensitive_consent="given")
    _, events = run(ActionStartIntake(), t, domain)
    assert slot(events, "answers") == {"involved_person": "relative", "stage": "detained"}


# ---------------------------------------------------------------- the greeting's privacy notice

GREETING_NOTICE = {
    "en": ["Privacy: this conversation is recorded", "kept at most 45 days", '"delete my data"'],
    "zh": ["隐私提示：本次对话会被记录", "最长保存45天", "“删除我的数据”"],
}


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_greeting_says_what_is_recorded_for_how_long_and_how_to_erase_it(language, domain, monkeypatch):
    import asyncio

    from rasa.core.nlg import TemplatedNaturalLanguageGenerator
    from rasa.shared.core.events import SlotSet
    from rasa.shared.core.trackers import DialogueStateTracker

    from actions.notice import ActionGreet

    monkeypatch.setenv("LAWBOT_RETENTION_DAYS", "45")  # the period comes from the settings
    messages, _ = run(ActionGreet(), tracker("hi", "greet", language), domain)
    [message] = messages
    assert message["response"] == "utter_greet" and message["retention_days"] == 45
    # rendered as Rasa renders it for a conversation in this language
    state = DialogueStateTracker.from_events("s", [SlotSet("language", language)], slots=domain.slots)
    nlg = TemplatedNaturalLanguageGenerator(domain.responses)
    text = asyncio.run(nlg.generate("utter_greet", state, "rest", retention_days=45))["text"]
    lines = text.splitlines()
    assert ("not legal advice" if language == "en" else "不构成法律意见") in lines[0]
    [notice] = [line for line in lines if GREETING_NOTICE[language][0] in line]  # one line
    for part in GREETING_NOTICE[language]:
        assert part in notice, part
    assert "{" not in text
