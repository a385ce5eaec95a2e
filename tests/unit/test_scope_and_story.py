"""A refusal needs a second look (urgent or online/IT messages get the topics instead), and the
story told before a topic is chosen is the lead's description, judged for urgency as a whole."""

import pytest
from rasa.shared.nlu.training_data.message import Message
from rasa_sdk import Tracker

from actions.intake_form import ActionStartIntake
from actions.topic import ActionOfferTopics
from bot import intake, topics
from bot.rasa.scope_guard import ScopeGuard
from tests.support.trackers import run, slot

# ---------------------------------------------------------------- worth a second look


@pytest.mark.parametrize(
    "message",
    [
        "我在快手开了个卖蜂蜜的小店，有个买家说标签不合规要告我",
        "直播的时候主播说了句全市最好吃，现在有人投诉",
        "我弟昨天晚上被派出所带走了，说是打架",
        "下周三开庭，对方告我们，我们从来没上过法院",
        "my little jd store got a complaint about the picture of the product",
        "我的小店被买家投诉了，说照片和实物不一样",
        "customers of my shop complain the photos do not match the product",
        "our app was removed and users are angry",
        "my cousin was arrested yesterday after a fight in a bar",
        "the court hearing is this Friday and I have no lawyer yet",
    ],
)
def test_an_urgent_or_online_message_is_worth_a_second_look(message):
    assert topics.worth_a_second_look(message)


@pytest.mark.parametrize(
    "message",
    [
        "我想离婚，孩子跟谁",
        "在饭店打工三个月，老板不发工资",
        "商场买的鞋穿了一周就开胶了",
        "邻居家的狗把我咬了",
        "my landlord will not give back the deposit",
        "what will the weather be in Harbin tomorrow",
        "a dog bit my son in the park last year",
        "商场里的店铺不给退换刚买的外套",
        "the shop in the mall refuses to change the broken jacket",
        "我在超市买的牛奶过期了，小店老板不认",
        "/out_of_scope",
    ],
)
def test_an_everyday_matter_is_still_refused(message):
    assert not topics.worth_a_second_look(message)


def _parsed(text, intent):
    message = Message(data={"text": text})
    ranking = [{"name": intent, "confidence": 0.8}, {"name": "topic_ecommerce", "confidence": 0.1}]
    message.set("intent", ranking[0])
    message.set("intent_ranking", ranking)
    return message


@pytest.mark.parametrize(
    ("text", "intent", "expected"),
    [
        ("抖音小店被买家起诉了，十倍赔偿", "out_of_scope", "nlu_fallback"),
        ("家里人昨晚被警察抓走了", "out_of_scope", "nlu_fallback"),
        ("a buyer is suing my taobao shop", "out_of_scope", "nlu_fallback"),
        ("我想离婚，房子怎么分", "out_of_scope", "out_of_scope"),
        ("my mother's bag was stolen on the bus", "out_of_scope", "out_of_scope"),
        ("网站要备案吗", "topic_icp", "topic_icp"),
        ("/out_of_scope", "out_of_scope", "out_of_scope"),
    ],
)
def test_the_scope_guard_turns_only_a_doubtful_refusal_into_the_topic_buttons(text, intent, expected):
    (message,) = ScopeGuard().process([_parsed(text, intent)])
    assert message.get("intent")["name"] == expected
    # the classifier's readings stay in the ranking (the held-out evaluation reads them)
    assert intent in [r["name"] for r in message.get("intent_ranking")]


# ---------------------------------------------------------------- the story


def test_the_story_joins_the_opening_and_what_the_user_added_in_chinese():
    said = [
        ("你好", "greet"),
        ("我们在抖音直播卖红酒，有人说我们宣传是假的，要去法院告", "out_of_scope"),
        ("他一共买了六瓶，花了三千多", "inform"),
        ("不是", "deny"),
        ("/topic_ecommerce", "topic_ecommerce"),
    ]
    assert intake.story(said) == [
        "我们在抖音直播卖红酒，有人说我们宣传是假的，要去法院告",
        "他一共买了六瓶，花了三千多",
    ]


def test_the_story_joins_an_unclear_opening_and_the_topic_message_in_english():
    said = [
        ("hello, need some advice about my shop", "nlu_fallback"),
        ("customers say the cream we sell online burned their skin and want compensation", "topic_ecommerce"),
    ]
    assert intake.joined(intake.story(said)) == (
        "hello, need some advice about my shop "
        "customers say the cream we sell online burned their skin and want compensation"
    )


@pytest.mark.parametrize(
    ("refused", "asked"),
    [
        ("我想离婚，房子怎么分", "我们公司网站要做ICP备案吗"),
        ("my landlord keeps my deposit", "do we need a filing number for our website"),
    ],
)
def test_a_refused_everyday_question_stays_out_of_the_next_story(refused, asked):
    said = [(refused, "out_of_scope"), (asked, "topic_icp")]
    assert intake.story(said) == [asked]


def test_a_bare_no_or_a_number_is_no_part_of_the_story():
    assert not intake.tells_more("no")
    assert not intake.tells_more("不是")
    assert not intake.tells_more("13812345678")
    assert intake.tells_more("he paid 1 500 yuan and wants fifteen thousand now")
    assert intake.tells_more("他花了一千五，现在要一万五")


def test_the_story_keeps_the_latest_messages():
    said = [(f"第{n}条消息：我们的网店又被投诉了", "nlu_fallback") for n in range(9)]
    assert len(intake.story(said)) == intake.MAX_STORY_MESSAGES
    assert intake.story(said)[-1].startswith("第8条")


# ---------------------------------------------------------------- in the conversation


def _user(text, intent):
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}


def _action(name):
    return {"event": "action", "name": name}


def _bot(text, buttons=None):
    return {"event": "bot", "text": text, "data": {"buttons": buttons} if buttons else {}}


def conversation(events, language="zh", **slots):
    last = [e for e in events if e["event"] == "user"][-1]
    return Tracker(
        sender_id="test-user",
        slots={"language": language, "topic": None, **slots},
        latest_message={"text": last["text"], "intent": last["parse_data"]["intent"], "entities": []},
        events=[_action("action_session_start"), {"event": "session_started"}, *events],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def test_a_topic_button_after_the_picker_keeps_the_whole_story_and_its_urgency(domain):
    t = conversation(
        [
            _user("我们淘宝店卖进口糖果，买家嫌没中文标签把我们告了", "nlu_fallback"),
            _action("action_offer_topics"),
            _bot("我不太确定", buttons=[{"title": "电商", "payload": "/topic_ecommerce"}]),
            _action("action_listen"),
            _user("法院的传票说后天就开庭", "inform"),
            _action("action_offer_topics"),
            _bot("我不太确定", buttons=[{"title": "电商", "payload": "/topic_ecommerce"}]),
            _action("action_listen"),
            _user("/topic_ecommerce", "topic_ecommerce"),
        ]
    )
    _, events = run(ActionStartIntake(), t, domain)
    assert slot(events, "problem_summary") == (
        "我们淘宝店卖进口糖果，买家嫌没中文标签把我们告了 法院的传票说后天就开庭"
    )
    assert slot(events, "urgency") == "high", "the deadline is in the second message"


def test_a_typed_topic_after_an_unclear_opening_joins_both(domain):
    t = conversation(
        [
            _user("the police came to our office today", "nlu_fallback"),
            _action("action_offer_topics"),
            _bot("Not sure", buttons=[{"title": "E-commerce", "payload": "/topic_ecommerce"}]),
            _action("action_listen"),
            _user("it is about the fake reviews on our online shop", "topic_ecommerce"),
        ],
        language="en",
    )
    _, events = run(ActionStartIntake(), t, domain)
    assert slot(events, "problem_summary") == (
        "the police came to our office today it is about the fake reviews on our online shop"
    )
    assert slot(events, "urgency") == "high"


def test_a_story_told_before_an_earlier_matter_is_not_taken_again(domain):
    t = conversation(
        [
            _user("我们的App被下架了", "topic_icp"),
            _action("action_start_intake"),
            {"event": "active_loop", "name": "intake_form"},
            _user("抖音", "inform"),
            {"event": "active_loop", "name": None},
            _action("action_listen"),
            _user("另外我们网店被顾客投诉虚假宣传", "topic_ecommerce"),
        ]
    )
    _, events = run(ActionStartIntake(), t, domain)
    assert slot(events, "problem_summary") == "另外我们网店被顾客投诉虚假宣传"


@pytest.mark.parametrize(
    ("opening", "added", "language", "offered"),
    [
        ("淘宝店被买家起诉了", "他买了十二盒花了两千，现在要两万加退款", "zh", True),
        ("a buyer sued my douyin shop", "he bought 12 boxes and now wants ten times the money", "en", True),
        ("我想离婚，房子怎么分", "我们结婚八年了，有两个孩子", "zh", False),
        ("my landlord keeps my deposit", "it was three months of rent, about nine thousand", "en", False),
    ],
)
def test_more_of_the_story_after_a_refusal_gets_the_topics_only_when_worth_it(
    opening, added, language, offered, domain
):
    t = conversation(
        [
            _user(opening, "out_of_scope"),
            _action("utter_out_of_scope"),
            _bot("sorry"),
            _action("action_listen"),
            _user(added, "inform"),
        ],
        language=language,
    )
    messages, _ = run(ActionOfferTopics(), t, domain)
    if offered:
        assert messages[0]["response"] == "utter_topic_buttons_intro" and messages[0]["buttons"]
    else:
        assert [m["response"] for m in messages] == ["utter_anything_else"]


@pytest.mark.parametrize(("text", "language"), [("不是", "zh"), ("no", "en")])
def test_a_bare_no_after_the_topics_is_not_more_story(text, language, domain):
    t = conversation(
        [
            _user("网店的事", "nlu_fallback"),
            _action("action_offer_topics"),
            _bot("?", buttons=[{"title": "电商", "payload": "/topic_ecommerce"}]),
            _action("action_listen"),
            _user(text, "deny"),
        ],
        language=language,
    )
    messages, _ = run(ActionOfferTopics(), t, domain)
    assert [m["response"] for m in messages] == ["utter_anything_else"]


def test_more_story_while_the_topics_are_offered_offers_them_again(domain):
    t = conversation(
        [
            _user("我们直播间被人举报了", "nlu_fallback"),
            _action("action_offer_topics"),
            _bot("?", buttons=[{"title": "电商", "payload": "/topic_ecommerce"}]),
            _action("action_listen"),
            _user("主播说的是我们家的红肠全市第一", "inform"),
        ]
    )
    messages, _ = run(ActionOfferTopics(), t, domain)
    assert messages[0]["response"] == "utter_topic_buttons_intro"


def test_a_vpn_story_read_as_out_of_scope_gets_a_second_look():
    from bot.topics import names_online_or_it

    assert names_online_or_it(
        "Last year the police found a VPN on my laptop and fined me, will it matter for my visa?"
    )
    assert names_online_or_it("用梯子上外网被派出所罚过款，会留案底吗")
