"""Carries the topic reader (bot/topic_reader.py) into Rasa's message: where the classifier's
best reading is a topic or out_of_scope, the topic readings of the ranking are replaced by the
blend of both readers and the best of them becomes the intent. Other intents (greetings, answers,
commands) are left to the classifier."""

from __future__ import annotations

from typing import Any, List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot import topic_reader
from bot.language import detect_language
from bot.rasa.nlu import INTENT_RANKING, Stateless
from bot.topics import INTENT_PREFIX, OUT_OF_SCOPE, topic_of_intent


def _intent(label: str) -> str:
    return label if label == OUT_OF_SCOPE else INTENT_PREFIX + label


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class TopicReader(Stateless):
    """Runs right after the intent classifier."""

    def __init__(self) -> None:
        for language in ("en", "zh"):
            topic_reader.reader(language)  # trained or loaded now, not at the first message

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            intent = message.get(INTENT) or {}
            if text.startswith("/") or topic_of_intent(intent.get(INTENT_NAME_KEY)) is None:
                continue
            ranking = message.get(INTENT_RANKING) or []
            classifier = {
                label: float(r.get(PREDICTED_CONFIDENCE_KEY) or 0.0)
                for r in ranking
                if (label := topic_of_intent(r.get(INTENT_NAME_KEY))) is not None
            }
            scores = topic_reader.blended(text, detect_language(text) or "en", classifier)
            others = [r for r in ranking if topic_of_intent(r.get(INTENT_NAME_KEY)) is None]
            topics: list[dict[str, Any]] = [
                {INTENT_NAME_KEY: _intent(label), PREDICTED_CONFIDENCE_KEY: p} for label, p in scores.items()
            ]
            ranked = sorted([*topics, *others], key=lambda r: -float(r[PREDICTED_CONFIDENCE_KEY]))
            best = max(topics, key=lambda r: float(r[PREDICTED_CONFIDENCE_KEY]))
            message.set(INTENT, best, add_to_output=True)
            message.set(INTENT_RANKING, ranked[: len(ranking) or 10], add_to_output=True)
        return messages
