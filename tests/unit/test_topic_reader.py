"""The second topic reader (bot/topic_reader.py) and its place in the NLU pipeline
(bot/rasa/topic_reader.py): it blends in only where the classifier read a topic or out_of_scope."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot import topic_reader
from bot.rasa.topic_reader import TopicReader
from bot.topics import TOPIC_CODES


def _parsed(text: str, ranking: list[tuple[str, float]]) -> Message:
    message = Message(data={"text": text})
    entries = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    message.set("intent", entries[0])
    message.set("intent_ranking", entries)
    return message


@pytest.mark.parametrize("language", ["en", "zh"])
def test_each_language_reads_every_topic_and_out_of_scope(language):
    probabilities = topic_reader.reader(language).probabilities("数据" if language == "zh" else "data")
    assert set(probabilities) == {*TOPIC_CODES, "out_of_scope"}
    assert sum(probabilities.values()) == pytest.approx(1.0)


def test_where_the_classifier_read_a_topic_the_blend_decides():
    text = "an intruder is copying files off our database server at this moment"
    (message,) = TopicReader().process([_parsed(text, [("topic_ip", 0.55), ("topic_data_breach", 0.40)])])
    assert message.get("intent")["name"] == "topic_data_breach"
    confidences = [r["confidence"] for r in message.get("intent_ranking")]
    assert confidences == sorted(confidences, reverse=True)


@pytest.mark.parametrize(
    ("text", "ranking"),
    [
        ("yes", [("affirm", 0.9), ("topic_icp", 0.05)]),
        ('/choose{"choice": "ongoing"}', [("choose", 1.0)]),
        ("/topic_ip", [("topic_ip", 1.0)]),
    ],
)
def test_other_intents_and_button_payloads_are_left_alone(text, ranking):
    (message,) = TopicReader().process([_parsed(text, ranking)])
    assert message.get("intent")["name"] == ranking[0][0]
    assert message.get("intent")["confidence"] == ranking[0][1]
