"""Only a request to speak a language switches it: a name given "in Chinese", an English or a
Chinese name, a language named inside an answer do not."""

import pytest

from bot.language import conversation_language, language_named, requested_language


@pytest.mark.parametrize(
    "typed",
    [
        "我叫孙丽，英文名 Lily Sun",
        "中文名字是马可",
        "用英文名登记就行：Mark Ma",
        "Marco Rossi, 马可 in Chinese",
        "Sun Li — Lily in English",
        "my Chinese name is 孙丽",
        "English name Lily",
        "our manuals are in Chinese and English",
    ],
)
def test_names_in_another_script_are_not_requests(typed):
    assert requested_language(typed) is None


@pytest.mark.parametrize(
    ("typed", "language"),
    [
        ("跟我说中文吧", "zh"),
        ("能用英语回答吗", "en"),
        ("换成中文", "zh"),
        ("please talk to me in Chinese", "zh"),
        ("could we continue in English?", "en"),
        ("English, please", "en"),
        ("switch to Mandarin", "zh"),
    ],
)
def test_requests_to_speak_a_language_are_requests(typed, language):
    assert requested_language(typed) == language


@pytest.mark.parametrize(
    ("current", "typed"),
    [
        ("en", "Marco Rossi, 马可 in Chinese"),
        ("en", "Lily Sun 孙丽"),
        ("zh", "Sun Li — Lily in English"),
        ("zh", "英文名 Lily Sun"),
    ],
)
def test_a_name_answer_keeps_the_conversations_language(current, typed):
    assert conversation_language(current, typed) == current


def test_the_gate_keeps_a_name_given_in_another_language_as_an_answer():
    from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
    from rasa.shared.nlu.training_data.message import Message

    from bot.rasa.nlu import INTENT_RANKING, CommandGate

    def gated(text: str) -> str:
        ranking = [("switch_language", 0.7), ("inform", 0.2), ("greet", 0.1)]
        rows = [{INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: p} for name, p in ranking]
        message = Message(data={TEXT: text, INTENT: rows[0], INTENT_RANKING: rows})
        CommandGate().process([message])
        return str(message.get(INTENT)[INTENT_NAME_KEY])

    assert gated("Marco Rossi, 马可 in Chinese") == "inform"
    assert gated("中文名叫马可") == "inform"
    assert gated("please reply in Chinese") == "switch_language"
    assert gated("说中文吧") == "switch_language"


@pytest.mark.parametrize(
    ("typed", "current"),
    [
        ("My wife is in Irkutsk and doesn't speak Chinese at all, so please keep it simple", "en"),
        ("We can't write Chinese, sorry", "en"),
        ("For the mobile, use Chinese one: 13512345678", "en"),
        ("please use Chinese 18600001111 instead of the Kazakh number", "en"),
        ("联系人那里写拼音就行，别用英文", "zh"),
        ("我们不会说英语", "zh"),
    ],
)
def test_a_language_refused_or_a_thing_qualified_is_no_request(typed, current):
    """ "I don't speak Chinese" is said in English to be answered in English; "the Chinese one" is a
    phone number; "别用英文" keeps Chinese."""
    assert requested_language(typed) is None
    assert conversation_language(current, typed) == current


@pytest.mark.parametrize(
    ("typed", "language"),
    [
        ("I can't read Chinese characters, please speak English", "en"),
        ("不要用英文了，还是说中文吧", "zh"),
        ("语言改成英文", "en"),
        ("language: Chinese", "zh"),
    ],
)
def test_the_language_wanted_is_the_one_not_refused(typed, language):
    assert language_named(typed) == language
