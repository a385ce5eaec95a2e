"""Answers are answers: a command stands only when said plainly; the conversation's language
changes with the user's sentences and requests, never with a name, an email or a number."""

from __future__ import annotations

import pytest

from bot import commands
from bot.language import (
    conversation_language,
    detect_language,
    is_foreign,
    requested_language,
    sentence_language,
)


@pytest.mark.parametrize(
    ("command", "text", "stands"),
    [
        ("delete_my_data", "delete my data", True),
        ("delete_my_data", "please erase everything you have about me", True),
        ("delete_my_data", "删除我的信息", True),
        ("delete_my_data", "A customer asked us to delete their data, must we?", False),
        ("delete_my_data", "客户要求我们删除他的个人信息，我们必须删吗", False),
        ("delete_my_data", "用户要求删除账号，我们要不要删", False),
        ("delete_my_data", "<script>alert(1)</script>", False),
        ("wrong_topic", "你把我名字写错了，是刘洋不是刘阳", False),
        ("wrong_topic", "you forgot my name, it's Mike Zhang", False),
        ("wrong_topic", "that's not my question", True),
        ("wrong_topic", "不是这个问题", True),
        ("show_my_data", "手机 13904512233，邮箱 a@b.com，微信", False),
        ("show_my_data", "what do you have about me", True),
        ("show_my_data", "你们存了我哪些信息", True),
        ("ask_law", "设备ID、手机号、位置，用于推送和统计", False),
        ("ask_law", "什么是PIPL", True),
    ],
)
def test_a_command_stands_only_when_said_plainly(command, text, stands):
    assert commands.is_unmistakable(command, text) is stands


def test_the_next_reading_is_taken_when_a_command_is_not_said_plainly():
    ranking = [("delete_my_data", 0.6), ("topic_personal_info", 0.3), ("affirm", 0.1)]
    assert commands.best_reading(ranking, "A customer asked us to delete their data, must we?") == (
        "topic_personal_info",
        0.3,
    )


@pytest.mark.parametrize("text", ["😀😀", "???", "。。。", "", "   "])
def test_messages_without_words_are_known(text):
    assert not commands.has_words(text)


@pytest.mark.parametrize(
    "text",
    [
        "手机 139 0451 2233，邮箱 wang@example.com",
        "陈静 Jessica Chen",
        "Kevin 周",
        "80w，已付60w",
        "No Limits Technology Co., Ltd.",
        "不凡科技有限公司",
        "The Harbin Group",
        "微信 wang_xy88",
        "好的",
        "looks good",
    ],
)
def test_names_companies_contacts_and_short_words_never_switch_the_language(text):
    assert sentence_language(text) is None


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("我姓王，叫王晓燕", "zh"),
        ("我们的App要做PIPL合规吗", "zh"),
        ("our 小程序 needs ICP filing?", "en"),
        ("you forgot my name, it's Mike Zhang", "en"),
        ("please speak English", "en"),
        ("说中文", "zh"),
        ("用英文回答", "en"),
    ],
)
def test_sentences_and_requests_set_the_language(text, language):
    assert sentence_language(text) == language


def test_requests_and_detection():
    assert requested_language("can you speak Chinese") == "zh"
    assert requested_language("我们公司英文名叫 Northern Light") is None
    assert detect_language("手机 139 0451 2233，邮箱 wang@example.com") == "zh"


@pytest.mark.parametrize(
    "text", ["Здравствуйте, у нас утечка данных", "こんにちは、データ漏洩があります", "안녕하세요 상담"]
)
def test_other_languages_are_recognised(text):
    assert is_foreign(text)


@pytest.mark.parametrize(
    "text",
    [
        "我们的网站要备案吗",
        "our site needs a licence",
        "Иван Петров",
        # a Russian company's name given as the other party, with or without its Chinese name
        "ООО «Амур Логистик Групп»（阿穆尔物流）",
        "ТОО Астана Софт Девелопмент",
    ],
)
def test_english_and_chinese_are_not_foreign(text):
    assert not is_foreign(text)


@pytest.mark.parametrize(
    ("current", "text", "after"),
    [
        (None, "你好", "zh"),
        (None, "hi", "en"),
        (None, "13812345678", None),
        ("zh", "手机 139 0451 2233，邮箱 wang@example.com", "zh"),
        ("zh", "陈静 Jessica Chen", "zh"),
        ("zh", "No Limits Technology Co., Ltd.", "zh"),
        ("zh", "ok", "zh"),
        ("zh", "please speak English", "en"),
        ("en", "说中文", "zh"),
        ("en", "不凡科技有限公司", "en"),
        ("en", "我们的网站要不要做备案", "zh"),
        ("zh", '/choose{"choice": "yes"}', "zh"),
    ],
)
def test_the_conversation_keeps_its_language_until_a_sentence_or_a_request_changes_it(current, text, after):
    assert conversation_language(current, text) == after


def _gated(text: str, ranking: list[tuple[str, float]]) -> str:
    from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
    from rasa.shared.nlu.training_data.message import Message

    from bot.rasa.nlu import INTENT_RANKING, CommandGate

    rows = [{INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: p} for name, p in ranking]
    message = Message(data={TEXT: text, INTENT: rows[0], INTENT_RANKING: rows})
    CommandGate().process([message])
    return str(message.get(INTENT)[INTENT_NAME_KEY])


def test_the_gate_alone_decides_a_language_switch():
    # the classifier hears "speak Chinese" in a name that mentions 中文名: the answer stands
    ranking = [("switch_language", 0.7), ("inform", 0.2), ("greet", 0.1)]
    assert _gated("Andrei Volkov，中文名叫安德烈", ranking) == "inform"
    assert _gated("My English name is Tom Li", ranking) == "inform"
    assert _gated("说中文", [("inform", 0.6), ("switch_language", 0.4)]) == "switch_language"
    assert _gated("please speak English", ranking) == "switch_language"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a problem told at length that mentions it is not pressing: a topic, urgency normal
        (
            (
                "我们想把客户名单同步到首尔总部的系统里，有姓名、电话、购买记录，大概两万人。"
                "不太清楚要不要走什么审批，倒也不急，明年才开始"
            ),
            "topic_cross_border",
        ),
        (
            (
                "Our head office in Lyon wants the customer database copied to their cloud next year; names, "
                "phones and purchase history of about 20,000 people. No rush, just planning ahead."
            ),
            "topic_cross_border",
        ),
        # a short dispute of the urgency
        ("为什么写紧急？没人被抓", "contest_urgency"),
        ("it's not urgent, nobody was arrested", "contest_urgency"),
    ],
)
def test_a_long_description_saying_it_is_not_urgent_is_a_description(text, expected):
    assert _gated(text, [("topic_cross_border", 0.8), ("topic_localization", 0.1)]) == expected
