"""A first useful conversation, through the real Rasa server and action server (REST)."""

import uuid

import pytest
import requests

from bot import topics
from bot.language import detect_language

pytestmark = pytest.mark.stack


def say(stack, sender: str, message: str) -> list[dict]:
    response = requests.post(
        f"{stack.rasa_url}/webhooks/rest/webhook",
        json={"sender": sender, "message": message},
        timeout=30,
    )
    response.raise_for_status()
    return response.json()


def texts(replies):
    return [r.get("text", "") for r in replies]


def test_an_english_user_is_greeted_with_the_disclaimer_then_gets_the_topic_named(stack):
    sender = f"en-{uuid.uuid4()}"
    greeting = " ".join(texts(say(stack, sender, "hello")))
    assert "not legal advice" in greeting
    # the one-line privacy notice: what is recorded, for how long, how to erase it
    assert "this conversation is recorded" in greeting and "180 days" in greeting
    assert '"delete my data"' in greeting
    message = "We want to launch a paid membership website in China, do we need an ICP licence?"
    replies = say(stack, sender, message)
    icp = topics.get("icp")
    assert replies[0]["text"] == icp.acknowledge["en"]
    assert replies[1]["text"] == icp.questions[0].text["en"], "then the topic's first follow-up question"
    assert [b["title"] for b in replies[1]["buttons"]][0] == icp.questions[0].options[0].label["en"]


def test_a_chinese_user_gets_everything_in_chinese(stack):
    sender = f"zh-{uuid.uuid4()}"
    greeting = " ".join(texts(say(stack, sender, "你好")))
    assert "不构成法律意见" in greeting
    assert "本次对话会被记录" in greeting and "180天" in greeting and "删除我的数据" in greeting
    replies = texts(say(stack, sender, "昨晚公司服务器被黑了，客户数据可能泄露了，怎么办"))
    breach = topics.get("data_breach")
    assert replies[0] == breach.acknowledge["zh"]
    assert replies[-1] == breach.questions[0].text["zh"]


def test_the_user_can_switch_language_mid_conversation(stack):
    sender = f"switch-{uuid.uuid4()}"
    say(stack, sender, "hello")
    replies = texts(say(stack, sender, "我们想把用户数据传到新加坡的服务器，需要做什么"))
    assert replies and all(detect_language(reply) == "zh" for reply in replies), replies
    replies = texts(say(stack, sender, "Sorry, could you please answer in English?"))
    assert replies and all(detect_language(reply) == "en" for reply in replies), replies


def test_a_non_it_problem_is_told_plainly_that_this_service_covers_it_law_only(stack):
    message = "I want to divorce my husband, how do I split the flat?"
    replies = texts(say(stack, f"oos-{uuid.uuid4()}", message))
    assert "information-technology law only" in replies[0]


def test_a_vague_message_gets_the_topics_as_buttons(stack):
    sender = f"vague-{uuid.uuid4()}"
    replies = say(stack, sender, "hmm")
    buttons = [b for r in replies for b in r.get("buttons", [])]
    assert [b["payload"] for b in buttons][:13] == [f"/topic_{c}" for c in topics.TOPIC_CODES]
    # tapping a button continues the same conversation with that topic
    chosen = texts(say(stack, sender, "/topic_ip"))
    assert chosen[0] == topics.get("ip").acknowledge["en"]


def test_an_emoji_only_message_is_asked_to_describe_the_problem(stack):
    replies = texts(say(stack, f"emoji-{uuid.uuid4()}", "🙂🙂"))
    assert replies == [
        "Please describe your problem briefly, and I'll work out which area of IT law it falls under."
    ]


def test_a_message_in_another_language_gets_a_note_in_both(stack):
    replies = texts(say(stack, f"ru-{uuid.uuid4()}", "Здравствуйте, у нас утечка данных клиентов"))
    assert "Chinese or English" in replies[0] and "中文或英文" in replies[0]


@pytest.mark.parametrize("message", ["<b>hi</b><script>alert(1)</script>", "x" * 10_000, "🙂"])
def test_odd_input_gets_an_answer_not_an_error(stack, message):
    replies = say(stack, f"odd-{uuid.uuid4()}", message)
    assert replies and all(r.get("text") or r.get("buttons") for r in replies)
