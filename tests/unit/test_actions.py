"""The actions, run against trackers the way the action server builds them."""

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.topic import ActionExplainTopic, ActionOfferTopics
from bot import topics


def tracker(text: str, intent: str, language=None, entities=()) -> Tracker:
    return Tracker(
        sender_id="test-user",
        slots={"language": language, "topic": None},
        latest_message={
            "text": text,
            "intent": {"name": intent, "confidence": 0.9},
            "entities": list(entities),
        },
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def run(action, t, domain):
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, t, domain.as_dict())
    return dispatcher.messages, events


def test_a_chinese_icp_question_is_named_and_answered_in_chinese(domain):
    t = tracker(
        "我们的小程序上线要做ICP备案吗",
        "topic_icp",
        language="zh",
        entities=[{"entity": "permit", "value": "ICP备案"}, {"entity": "language", "value": "zh"}],
    )
    messages, events = run(ActionExplainTopic(), t, domain)
    icp = topics.get("icp")
    assert messages[0]["text"] == icp.acknowledge["zh"]
    assert messages[1]["text"] == icp.information("zh")
    assert messages[2]["text"].startswith("咨询前建议准备")
    assert messages[3]["response"] == "utter_anything_else_topic"
    assert {"event": "slot", "name": "topic", "value": "icp", "timestamp": None} in events
    assert {"event": "slot", "name": "legal_terms", "value": ["ICP备案"], "timestamp": None} in events


def test_an_english_breach_report_gets_english_information_even_before_the_slot_is_set(domain):
    t = tracker("we got hit by ransomware last night", "topic_data_breach")
    messages, _ = run(ActionExplainTopic(), t, domain)
    assert messages[0]["text"] == topics.get("data_breach").acknowledge["en"]
    assert messages[2]["text"].startswith("Documents to prepare")


def test_an_unclear_message_gets_every_topic_as_a_button_in_the_users_language(domain):
    messages, events = run(ActionOfferTopics(), tracker("嗯 这个事情", "nlu_fallback", "zh"), domain)
    assert events == []
    assert messages[0]["response"] == "utter_topic_buttons_intro"
    assert messages[0]["buttons"] == topics.topic_buttons("zh")


def test_every_action_and_response_the_actions_use_is_in_the_domain(domain):
    assert {"action_explain_topic", "action_offer_topics"} <= set(domain.action_names_or_texts)
    for response in ("utter_anything_else_topic", "utter_topic_buttons_intro", "utter_ask_problem"):
        assert response in domain.responses
