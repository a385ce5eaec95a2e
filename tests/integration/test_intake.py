"""The whole intake through the real Rasa server and action server (REST channel), with the
lead read back from the leads database and the conversation from the tracker store."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from bot import leads, topics
from bot.db import session_factory
from scripts.simulated_user import PROBLEMS, RestChat, SimulatedUser, saved_reference

pytestmark = pytest.mark.stack

# Half the topics are run in Chinese, half in English (and the other way round in the
# simulation script, which covers both languages for every topic).
LANGUAGE_OF_TOPIC = {code: ("zh" if i % 2 == 0 else "en") for i, code in enumerate(topics.TOPIC_CODES)}


@pytest.fixture
def leads_db(stack):
    url = f"sqlite:///{stack.settings.var_dir / 'leads.db'}"
    return session_factory(url)


def lead_of(leads_db, chat):
    with leads_db() as session:
        found = leads.of_conversation(session, chat.conversation_id)
    return [lead.to_dict() for lead in found]


def tracker_rows(stack, sender):
    with sqlite3.connect(stack.settings.tracker_db) as db:
        return db.execute("select count(*) from events where sender_id = ?", (sender,)).fetchone()[0]


def texts(replies):
    return "\n".join(r.text for r in replies)


@pytest.mark.parametrize("code", topics.TOPIC_CODES)
def test_a_complete_intake_for_every_topic_saves_the_lead(stack, leads_db, code):
    language = LANGUAGE_OF_TOPIC[code]
    chat = RestChat(stack.rasa_url)
    turns, reference = SimulatedUser(chat, code, language).complete_intake()
    assert reference, f"no lead saved after {turns} turns:\n" + "\n".join(
        f"{w}: {t}" for w, t in chat.transcript
    )
    assert turns <= 12
    [lead] = lead_of(leads_db, chat)
    assert lead["id"].startswith(reference)
    assert lead["topic"] == code
    assert lead["language"] == language
    assert lead["summary"] == PROBLEMS[code][language]
    assert lead["contact"]["phone"] == "+8613812345678"
    assert lead["contact"]["name"] == ("李伟" if language == "zh" else "Anna Petrova")
    assert lead["contact"]["preferred_channel"] == "phone"
    assert lead["consent"]["notice_version"] and lead["consent"]["given_at"]
    assert lead["consent"]["share_with_firms"] is False
    assert lead["answers"], "the follow-up answers are part of the lead"
    assert lead["status"] in ("needs_sourcing", "matched") and lead["channel"] == "rest"
    bot_text = "\n".join(t for who, t in chat.transcript if who == "bot")
    assert topics.get(code).documents_text(language).splitlines()[0] in bot_text


def test_an_ongoing_breach_gets_immediate_steps_first_fewer_questions_and_an_urgent_lead(stack, leads_db):
    chat = RestChat(stack.rasa_url)
    replies = chat.say(
        "Ransomware is encrypting our file servers right now and the police already called us!"
    )
    assert "urgent" in replies[1].text and "Contain it" in replies[1].text
    turns = 1
    while not saved_reference(replies) and turns < 15:
        buttons = [b for r in replies for b in r.buttons if b["payload"] != "/dont_know"]
        last = replies[-1].text
        if buttons:
            replies = chat.say(buttons[0]["payload"])
        elif "name" in last:
            replies = chat.say("Ivan Sokolov")
        elif "reach you" in last:
            replies = chat.say("ivan.sokolov@example.ru")
        else:
            replies = chat.say("customer records, maybe 3,000 people")
        turns += 1
    [lead] = lead_of(leads_db, chat)
    assert lead["urgency"] == "high"
    assert set(lead["answers"]["triage"]) >= {"ongoing_incident", "authority_contact"}
    assert "discovered_when" not in lead["answers"], "urgent intakes skip the non-essential questions"
    assert "urgent" in texts(replies)
    assert lead["contact"]["email"] == "ivan.sokolov@example.ru"


def test_a_user_who_refuses_consent_gets_the_information_but_no_lead(stack, leads_db):
    chat = RestChat(stack.rasa_url)
    replies = chat.say(PROBLEMS["icp"]["zh"])
    while not any(b["payload"] == "/deny" for r in replies for b in r.buttons):
        options = [b for r in replies for b in r.buttons if b["payload"] != "/dont_know"]
        replies = chat.say(options[0]["payload"] if options else "跳过")
    notice = texts(replies)
    assert "180天" in notice and "删除我的数据" in notice, "the notice says retention and rights"
    information = "\n".join(t for who, t in chat.transcript if who == "bot")
    assert topics.get("icp").documents_text("zh").splitlines()[0] in information
    replies = chat.say("/deny")
    assert "不会收集" in texts(replies)
    assert lead_of(leads_db, chat) == []


def run_to_summary(chat, language="en"):
    replies = chat.say(PROBLEMS["employment"][language])
    for _ in range(15):
        if any("Is everything correct" in r.text or "是否正确" in r.text for r in replies):
            return replies
        options = [b for r in replies for b in r.buttons if b["payload"] != "/dont_know"]
        last = replies[-1].text
        if options:
            replies = chat.say(options[0]["payload"])
        elif "name" in last or "称呼" in last:
            replies = chat.say("Anna Petrova")
        elif "reach you" in last or "联系您" in last:
            replies = chat.say("13812345678")
        elif "other party" in last or "对方" in last:
            replies = chat.say("Gamma Ltd")
        else:
            replies = chat.say("about 10 people")
    raise AssertionError("never reached the summary:\n" + "\n".join(t for _, t in chat.transcript))


def test_a_user_corrects_the_phone_number_at_the_summary(stack, leads_db):
    chat = RestChat(stack.rasa_url)
    replies = run_to_summary(chat)
    assert "+8613812345678" in texts(replies)
    replies = chat.say("the phone is wrong")
    assert "reach you" in replies[-1].text
    replies = chat.say("139 0000 1111")
    assert "+8613900001111" in texts(replies) and "Is everything correct" in texts(replies)
    reference = saved_reference(chat.say('/choose{"choice": "confirm"}'))
    [lead] = lead_of(leads_db, chat)
    assert lead["id"].startswith(reference)
    assert lead["contact"]["phone"] == "+8613900001111"


def test_a_correction_given_inline_in_chinese_is_applied_directly(stack, leads_db):
    chat = RestChat(stack.rasa_url)
    run_to_summary(chat, "zh")
    replies = chat.say("邮箱写错了，应该是 li.wei@example.cn")
    assert "已更新" in texts(replies)
    if "哪种方式联系您" in replies[-1].text:  # now there are two ways to reach the user
        replies = chat.tap(replies, "邮件")
    assert "li.wei@example.cn" in texts(replies) and "是否正确" in texts(replies)
    replies = chat.say("用邮件联系我吧")  # how to be contacted, said at the read-back
    assert "已更新" in texts(replies) and "是否正确" in texts(replies)
    chat.say("确认")
    [lead] = lead_of(leads_db, chat)
    assert lead["contact"]["email"] == "li.wei@example.cn"
    assert lead["contact"]["phone"] == "+8613812345678", "the correction changed the email and nothing else"
    assert lead["contact"]["preferred_channel"] == "email"


def test_garbage_at_every_question_never_loops_and_saves_nothing(stack, leads_db):
    """Garbage gets a hint, then the intake moves on; at the consent it is never taken for a yes or
    a no: the short question with its two buttons comes back, and a later plain "no" is heard."""
    chat = RestChat(stack.rasa_url)
    chat.say(PROBLEMS["data_breach"]["en"])
    garbage = ["asdfgh", "???", "qwerty", "!!!!", "zzzzzz", "jkl;", "...", "hjkl"]
    asked_again = 0
    for turn in range(16):
        replies = chat.say(garbage[turn % len(garbage)])
        asked_again += "couldn't tell whether you agree" in texts(replies)
        if asked_again == 2:
            break
    else:
        raise AssertionError(
            "the intake questions kept coming back:\n" + "\n".join(t for _, t in chat.transcript)
        )
    hints = [t for who, t in chat.transcript if who == "bot" and ("couldn't" in t or "clearly" in t)]
    assert hints, "bad answers get a hint before the bot moves on"
    assert "won't collect any personal information" not in "\n".join(t for _, t in chat.transcript)
    assert "won't collect any personal information" in texts(chat.say("no"))
    assert lead_of(leads_db, chat) == []


def test_delete_my_data_leaves_no_lead_and_no_tracker(stack, leads_db):
    chat = RestChat(stack.rasa_url)
    turns, reference = SimulatedUser(chat, "contract", "zh").complete_intake()
    assert reference and len(lead_of(leads_db, chat)) == 1
    assert tracker_rows(stack, chat.conversation_id) > 0
    replies = chat.say("删除我的数据")
    assert "无法恢复" in texts(replies)
    replies = chat.say("/affirm")
    assert "已删除" in texts(replies)
    assert lead_of(leads_db, chat) == []
    assert tracker_rows(stack, chat.conversation_id) == 0, (
        "the conversation must be gone once the turn is over"
    )
    replies = chat.say("我的信息")
    assert "没有保存" in texts(replies)


def test_asking_what_is_held_shows_it_and_cancelling_an_erasure_keeps_everything(stack, leads_db):
    chat = RestChat(stack.rasa_url)
    SimulatedUser(chat, "ecommerce", "en").complete_intake()
    replies = chat.say("what do you have about me?")
    assert "Anna Petrova" in texts(replies) and "+8613812345678" in texts(replies)
    chat.say("delete my data")
    replies = chat.say("/deny")
    assert "nothing has been deleted" in texts(replies)
    assert len(lead_of(leads_db, chat)) == 1


def test_side_questions_are_answered_and_the_form_resumes(stack):
    chat = RestChat(stack.rasa_url)
    replies = chat.say(PROBLEMS["cross_border"]["en"])
    question = replies[-1].text
    replies = chat.say("why do you ask?")
    assert replies[-1].text == question, "the same question is asked again after the answer"
    replies = chat.say("what is PIPL?")
    assert "Personal Information Protection Law" in replies[0].text
    assert replies[-1].text == question


def test_a_misunderstood_topic_can_be_changed_and_keeps_the_description(stack, leads_db):
    chat = RestChat(stack.rasa_url)
    description = "客户拖欠我们的软件开发款"
    replies = chat.say(description)
    assert replies[0].text == topics.get("contract").acknowledge["zh"]
    replies = chat.say("不是这个问题")
    titles = [b["title"] for r in replies for b in r.buttons]
    assert topics.get("ip").name["zh"] in titles
    replies = chat.tap(replies, topics.get("ip").name["zh"])
    assert replies[0].text == topics.get("ip").acknowledge["zh"]
    # the questions of the new topic (those the description already answers are not asked)
    assert replies[-1].text in [q.text["zh"] for q in topics.get("ip").questions]
    replies = chat.say("我的信息")
    assert description in texts(replies), "the description typed first is kept"


def test_asking_for_a_person_flags_a_call_back_even_without_a_topic(stack, leads_db):
    chat = RestChat(stack.rasa_url)
    replies = chat.say("I want to talk to a real person")
    assert "call you back" in texts(replies)
    replies = chat.say("/affirm")
    replies = chat.say("Wang Fang")
    replies = chat.say("wechat: wangfang_88")
    assert "Is everything correct" in texts(replies)
    assert saved_reference(chat.say("yes"))
    [lead] = lead_of(leads_db, chat)
    assert lead["callback_requested"] is True and lead["topic"] is None
    assert lead["contact"]["wechat_id"] == "wangfang_88"


def test_two_users_at_once_keep_their_own_answers(stack, leads_db):
    chats = {code: RestChat(stack.rasa_url) for code in ("ip", "localization")}
    results = {}

    def run(code):
        results[code] = SimulatedUser(chats[code], code, "en" if code == "ip" else "zh").complete_intake()

    threads = [threading.Thread(target=run, args=(code,)) for code in chats]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    for code, chat in chats.items():
        assert results[code][1], f"{code}: no lead"
        [lead] = lead_of(leads_db, chat)
        assert lead["topic"] == code
        keys = {q.key for q in topics.get(code).questions}
        assert set(lead["answers"]) - {"triage"} <= keys, "answers must not cross between users"


def test_the_sensitive_consent_comes_first_and_a_yes_keeps_the_details(stack, leads_db):
    chat = RestChat(stack.rasa_url)
    replies = chat.say("我哥哥昨天被公安机关刑事拘留了，说他帮人洗钱")
    assert "单独同意" in replies[-1].text, "asked before any sensitive question"
    assert "涉及的是谁" not in texts(replies)
    replies = chat.say("好的")
    bot_text = texts(replies)
    assert "敏感细节不会写入" not in bot_text
    for _ in range(10):
        if saved_reference(replies):
            break
        last = replies[-1].text
        if "是否同意" in last or "是否正确" in last:
            replies = chat.say("同意" if "是否同意" in last else "对")
        elif "称呼" in last:
            replies = chat.say("李伟")
        elif "联系您" in last:
            replies = chat.say("13812345678")
        else:
            options = [b for r in replies for b in r.buttons if b["payload"] != "/dont_know"]
            replies = chat.say(options[0]["payload"] if options else "跳过")
    asked = [t for who, t in chat.transcript if who == "bot" and "单独同意" in t]
    assert len(asked) == 1, "asked once"
    [lead] = lead_of(leads_db, chat)
    assert lead["consent"]["sensitive"] is True
    assert lead["summary"].startswith("我哥哥") and lead["answers"]["stage"] == "detained"
    assert lead["answers"]["involved_person"] == "relative", "said in the description: not asked"
